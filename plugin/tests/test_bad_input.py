"""Bad input answers 400 or 404 naming the field and the value, never a server error: the cases the API fuzzer
(test_api_fuzz.py) and an outside probe found, each called as clients call it, with a token."""

import io

from django.urls import reverse
from helpers import grant, set_superuser
from pypdf import PdfReader

from dcim.models import Cable
from utilities.testing import APITestCase, TestCase

from netbox_egov.cable_labels import judge_all
from netbox_egov.demo.loader import load_demo
from netbox_egov.models import FilterPolicy, QuotaUsage, Recommendation

# Beyond PostgreSQL's bigint: psycopg refuses to send it.
OUT_OF_RANGE = 375807219487964921856
SHEET_API = "/api/plugins/egov/cable-label-sheet/"


def sheet_text(response):
    # Wrapped lines come back as "\n " (pypdf marks the break): join them again.
    pages = PdfReader(io.BytesIO(response.content)).pages
    return "".join(page.extract_text() for page in pages).replace("\n ", "").replace("\n", "")


class CableLabelSheetAPITest(APITestCase):
    """GET /api/plugins/egov/cable-label-sheet/?cable_id=..: the documented endpoint, with a token."""

    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.shown, cls.hidden = judge_all(Cable.objects.order_by("pk")[:2])

    def sheet(self, query):
        return self.client.get(f"{SHEET_API}?{query}", **self.header)

    def test_an_administrator_gets_the_labels(self):
        set_superuser(self.user)
        response = self.sheet(f"cable_id={self.shown.cable.pk}&cable_id={self.hidden.cable.pk}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = sheet_text(response)
        self.assertEqual(text.count(self.shown.expected), 2)
        self.assertEqual(text.count(self.hidden.expected), 2)

    def test_a_constrained_permission_prints_only_the_cables_it_covers(self):
        grant(self.user, "dcim.cable", ["view"], constraints={"pk": self.shown.cable.pk})
        text = sheet_text(self.sheet(f"cable_id={self.shown.cable.pk}&cable_id={self.hidden.cable.pk}"))
        self.assertEqual(text.count(self.shown.expected), 2)
        self.assertNotIn(self.hidden.expected, text)

    def test_without_permission_on_cables_it_is_refused(self):
        self.assertEqual(self.sheet(f"cable_id={self.shown.cable.pk}").status_code, 403)

    def test_bad_cable_ids_are_named(self):
        self.add_permissions("dcim.view_cable")
        for query, message in (
            ("cable_id=abc", "'abc' is not a cable id"),
            ("cable_id=6,7", "'6,7' is not a cable id"),
            (f"cable_id={OUT_OF_RANGE}", f"'{OUT_OF_RANGE}' is not a cable id"),
            ("", "cable_id is required"),
        ):
            with self.subTest(query=query):
                response = self.sheet(query)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.json()["cable_id"][0])


class CableLabelSheetPageTest(TestCase):
    """/plugins/egov/cable-labels/sheet.pdf: the same rule for the page's download."""

    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_bad_cable_ids_are_named(self):
        self.add_permissions("dcim.view_cable")
        url = reverse("plugins:netbox_egov:cable_label_sheet")
        for query, message in (
            ({"cable_id": "abc"}, "cable_id: 'abc' is not a cable id"),
            ({"cable_id": "6,7"}, "cable_id: '6,7' is not a cable id"),
            ({}, "cable_id is required"),
        ):
            with self.subTest(query=query):
                response = self.client.get(url, query)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.content.decode())


class BadInputAPITest(APITestCase):
    """The server errors the fuzzer found in the plugin's REST API, as an administrator's token sends them."""

    @classmethod
    def setUpTestData(cls):
        load_demo()

    def setUp(self):
        super().setUp()
        set_superuser(self.user)

    def send(self, method, path, body=None, **kwargs):
        kwargs.setdefault("format", "json")
        return getattr(self.client, method)(f"/api/plugins/egov/{path}", body, **self.header, **kwargs)

    def test_a_custom_action_on_an_id_that_is_not_a_number_is_not_found(self):
        for path, value in (("recommendations/null/submit/", "null"), ("recommendations/%C2%B2/reject/", "²"),
                            ("domain-lists/null/refresh/", "null")):
            with self.subTest(path=path):
                response = self.send("post", path, {})
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json()["detail"], f"id: {value!r} is not an id")
        entries = self.send("post", "domain-lists/abc/entries/", {"text": "judi.example"}, format="multipart")
        self.assertEqual(entries.status_code, 404)

    def test_related_objects_given_by_attributes_the_database_cannot_compare(self):
        policy = FilterPolicy.objects.first()
        for body in (
            {"schedule": {"name": "kerja\x00"}},  # PostgreSQL text holds no NUL
            {"schedule": {"id": "abc"}},
            {"schedule": {"id": [1]}},
            {"schedule": {"weekdays": [OUT_OF_RANGE]}},
            {"schedule": {"weekdays": OUT_OF_RANGE}},
        ):
            with self.subTest(body=body):
                response = self.send("patch", f"filter-policies/{policy.pk}/", body)
                self.assertEqual(response.status_code, 400)
                self.assertIn(repr(body["schedule"]), response.json()["schedule"][0])

    def test_recommendation_items_listing_related_objects_the_database_cannot_compare(self):
        draft = Recommendation.objects.filter(status="draft").first()
        body = [
            {"recommendation": draft.pk, "description": "Switch", "site": {"name": "x\x00", "slug": "x"}},
            {"recommendation": {"title": "\x00"}, "description": "Switch"},
            {"recommendation": draft.pk, "description": "AP", "device": {"id": OUT_OF_RANGE, "name": ["a"]}},
        ]
        response = self.send("post", "recommendation-items/", body)
        self.assertEqual(response.status_code, 400)
        errors = {field: messages[0]
                  for item in response.json()["errors"] for field, messages in item["errors"].items()}
        self.assertIn(repr(body[0]["site"]), errors["site"])
        self.assertIn(repr(body[1]["recommendation"]), errors["recommendation"])
        self.assertIn(repr(body[2]["device"]), errors["device"])

    def test_quota_usage_upsert_refuses_totals_beyond_the_columns(self):
        item = {"tenant": "disdik", "period": "day", "period_start": "2026-01-05", "bytes_in": 1,
                "bytes_out": OUT_OF_RANGE, "samples": 3, "observed_at": "2026-01-05T10:00:00+07:00"}
        for body, field, value in (
            ([item], "bytes_out", str(OUT_OF_RANGE)),
            ({**item, "samples": OUT_OF_RANGE, "bytes_out": 2}, "samples", str(OUT_OF_RANGE)),
            ([{**item, "bytes_out": 2, "tenant": "dis\x00dik"}], "tenant", repr("dis\x00dik")),
        ):
            with self.subTest(body=body):
                response = self.send("post", "quota-usage/upsert/", body)
                self.assertEqual(response.status_code, 400)
                errors = response.json()["0"] if isinstance(body, list) else response.json()  # one item of a list
                self.assertEqual(list(errors), [field])
                self.assertIn(value, errors[field][0])
        self.assertFalse(QuotaUsage.objects.filter(period_start="2026-01-05", tenant__slug="disdik").exists())
