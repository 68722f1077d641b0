"""Inter-node cable labels (Pasal 11(3)): the scheme, the check, the fix job, the label sheet, admin-only templates."""

import io
import re

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from helpers import set_superuser
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from core.models import ObjectChange
from dcim.models import Cable
from utilities.testing import APITestCase, TestCase

from netbox_egov.access import ensure_dinas_access
from netbox_egov.agencies import agency_tenants
from netbox_egov.cable_labels import agency_figures, judge_all, planned_fixes
from netbox_egov.demo.loader import load_demo
from netbox_egov.jobs import FixCableLabelsJob
from netbox_egov.label_sheet import render_sheet
from netbox_egov.logic.labels import (
    DEFAULT_ALLOWED,
    DEFAULT_TEMPLATE,
    LabelTemplateError,
    judge,
    label_problems,
    render_label,
)
from netbox_egov.models import LabelScheme

NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
END = st.fixed_dictionaries({"site": NAME, "device": NAME, "port": NAME})


@given(a=END, b=END)
def test_a_rendered_default_label_judges_correct_names_both_ends_and_obeys_the_scheme(a, b):
    label = render_label(DEFAULT_TEMPLATE, {"a": a, "b": b})
    assert judge(label, label) == "correct"
    assert label.startswith(f"{a['site']}-{a['device']}:{a['port']}/")
    assert label.endswith(f"/{b['device']}:{b['port']}")
    assert label_problems(label, 100, DEFAULT_ALLOWED) == []  # at most 12*5+4 characters, all allowed


@given(label=st.text(min_size=1, max_size=40))
def test_disallowed_characters_are_named(label):
    problems = label_problems(label, 100, DEFAULT_ALLOWED)
    bad = {char for char in label if not (char.isascii() and (char.isalnum() or char in ":/._-"))}
    assert bool(problems) == bool(bad)
    for char in bad:
        assert repr(char) in problems[0]


@given(length=st.integers(min_value=5, max_value=100), extra=st.integers(min_value=1, max_value=50))
def test_too_long_labels_are_named_with_their_length(length, extra):
    problems = label_problems("a" * (length + extra), length, DEFAULT_ALLOWED)
    assert problems == [f"longer than {length} characters ({length + extra})"]


class LabelLogicTest(TestCase):
    def test_missing_wrong_correct(self):
        self.assertEqual(judge("  ", "x"), "missing")
        self.assertEqual(judge("KABEL-003", "x"), "wrong")
        self.assertEqual(judge(" x ", "x"), "correct")

    def test_the_sandbox_refuses_internals(self):
        with self.assertRaises(LabelTemplateError):
            render_label("{{ a.__class__.__mro__ }}", {"a": {}, "b": {}})
        with self.assertRaises(LabelTemplateError):
            render_label("{{ nothing.here }}", {"a": {}, "b": {}})

    def test_a_scheme_with_a_broken_template_is_refused(self):
        with self.assertRaises(ValidationError) as refusal:
            LabelScheme(name="Broken", template="{{ a.device ").full_clean()
        self.assertIn("template", refusal.exception.message_dict)

    def test_one_active_scheme(self):
        LabelScheme.objects.create(name="First", active=True)
        with self.assertRaises(ValidationError) as refusal:
            LabelScheme(name="Second", active=True).full_clean()
        self.assertIn("First", " ".join(refusal.exception.message_dict["active"]))


class DemoCableLabelsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def setUp(self):
        super().setUp()
        set_superuser(self.user)

    def test_demo_has_correct_wrong_and_missing_labels(self):
        statuses = {result.status for result in judge_all(Cable.objects.all())}
        self.assertEqual(statuses, {"correct", "wrong", "missing"})

    def test_the_check_names_each_state_in_the_users_language(self):
        # The state badge showed the internal value ("wrong") on an Indonesian page (found in the browser).
        page = self.client.get(reverse("plugins:netbox_egov:cable_labels"), HTTP_ACCEPT_LANGUAGE="id")
        states = re.findall(r'egov-label-(\w+)">([^<]+)</span>', page.content.decode())
        with translation.override("id"):
            expected = {"correct": gettext("Correct"), "wrong": gettext("Wrong"), "missing": gettext("Missing")}
        self.assertEqual(dict(states), expected)
        self.assertNotIn("wrong", expected.values())

    def test_per_agency_percentage(self):
        figures = {agency.slug: figure for agency, figure in agency_figures(agency_tenants()).items()}
        kominfo = figures["diskominfo"]
        cables = Cable.objects.filter(terminations___device__tenant__slug="diskominfo").distinct()
        statuses = [result.status for result in judge_all(cables)]
        self.assertEqual(kominfo["total"], len(statuses))
        self.assertEqual(kominfo["percent_correct"], round(100 * statuses.count("correct") / len(statuses)))
        self.assertLess(kominfo["percent_correct"], 100)  # the demo mixes right, wrong and missing labels

    def test_preview_writes_nothing_then_the_job_writes_through_the_changelog(self):
        before = dict(Cable.objects.values_list("pk", "label"))
        response = self.client.post(reverse("plugins:netbox_egov:cable_labels"), {"preview": "1"})
        self.assertEqual(response.status_code, 200)
        planned = response.context["preview"]
        self.assertTrue(planned)
        self.assertEqual(dict(Cable.objects.values_list("pk", "label")), before)  # a preview is only a preview

        ids = [fix.cable.pk for fix in planned]
        job = FixCableLabelsJob.enqueue(user=self.user, cable_ids=ids, immediate=True)
        job.refresh_from_db()
        self.assertEqual(job.status, "completed", job.error)
        self.assertEqual({result.status for result in judge_all(Cable.objects.all())}, {"correct"})
        self.assertEqual(ObjectChange.objects.filter(changed_object_id__in=ids, action="update").count(), len(ids))

    def test_the_preview_says_which_fixes_are_not_the_users_to_make(self):
        # The Dinas sees every cable but changes none of core's (docs/security.md): its preview listed nothing and
        # said "nothing to fix" while the check showed wrong labels (found in the browser).
        set_superuser(self.user, False)
        self.user.groups.add(ensure_dinas_access())
        response = self.client.post(reverse("plugins:netbox_egov:cable_labels"), {"preview": "1"},
                                    HTTP_ACCEPT_LANGUAGE="id")
        self.assertEqual(response.context["preview"], [])
        to_fix = len(planned_fixes(Cable.objects.all()))
        self.assertEqual(response.context["fixes_not_yours"], to_fix)
        with translation.override("id"):
            said = ngettext("%(counter)s more cable needs its label fixed, but you may not change it: the officer of "
                            "the agency it belongs to, or an administrator for the backbone, writes it.",
                            "%(counter)s more cables need their labels fixed, but you may not change them: the "
                            "officer of the agency they belong to, or an administrator for the backbone, writes "
                            "them.", to_fix) % {"counter": to_fix}
        self.assertIn(said, " ".join(response.content.decode().split()))

    def test_label_sheet_pdf_carries_the_labels(self):
        for result in judge_all(Cable.objects.order_by("pk")[:3]):
            response = self.client.get(reverse("plugins:netbox_egov:cable_label_sheet"),
                                       {"cable_id": [result.cable.pk]})
            self.assertEqual(response["Content-Type"], "application/pdf")
            pages = PdfReader(io.BytesIO(response.content)).pages
            # Wrapped lines come back as "\n " (pypdf marks the break): join them again.
            text = "".join(page.extract_text() for page in pages).replace("\n ", "").replace("\n", "")
            self.assertEqual(text.count(result.expected), 2)  # twice: readable from both sides

    def test_only_administrators_write_label_schemes(self):
        set_superuser(self.user, False)
        self.add_permissions("netbox_egov.add_labelscheme", "netbox_egov.view_labelscheme")
        response = self.client.post(reverse("plugins:netbox_egov:labelscheme_add"),
                                    {"name": "Mine", "template": "{{ a.device }}", "max_length": 50,
                                     "allowed_characters": "a-z"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(LabelScheme.objects.filter(name="Mine").exists())


class LabelSheetTest(TestCase):
    def test_many_labels_fill_several_a4_pages(self):
        pdf = PdfReader(io.BytesIO(render_sheet([f"site-gw-{n}:ether1/core:Gi1/0/{n}" for n in range(30)])))
        self.assertEqual(len(pdf.pages), 2)  # 24 labels a page
        self.assertAlmostEqual(float(pdf.pages[0].mediabox.width), 595.27, places=1)  # A4


class LabelSchemeAdminOnlyAPITest(APITestCase):
    def test_only_administrators_write_label_schemes_through_the_api(self):
        url = reverse("plugins-api:netbox_egov-api:labelscheme-list")
        body = {"name": "API scheme", "template": "{{ a.device }}"}
        self.add_permissions("netbox_egov.add_labelscheme", "netbox_egov.view_labelscheme")
        self.assertEqual(self.client.post(url, body, format="json", **self.header).status_code, 403)
        set_superuser(self.user)
        self.assertEqual(self.client.post(url, body, format="json", **self.header).status_code, 201)

