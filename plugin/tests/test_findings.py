"""Reconciliation findings (issue 13) in NetBox: the rules a report follows (plain functions), the model's pages,
REST and GraphQL on NetBox's test cases, the report endpoint as the collectors call it (the demo's collector
token, an agency officer's), accepting a finding, the Device and Tenant panels and the scorecard's check."""

import datetime
import json

import pytest
import registry_fixtures as fx
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from helpers import DemoClients, RegistryAPI, RegistryURLs, grant, set_superuser

from core.models import ObjectChange
from dcim.models import Cable, Device, DeviceType, Interface, Manufacturer
from netbox.search.backends import search_backend
from tenancy.models import Tenant
from users.models import User
from utilities.testing import APIViewTestCases, ViewTestCases

from netbox_egov.cable_labels import active_scheme, judge_cable
from netbox_egov.choices import FindingKindChoices, FindingStatusChoices
from netbox_egov.compliance import scorecard
from netbox_egov.logic import findings as rules
from netbox_egov.models import Finding

REPORT = "/api/plugins/egov/findings/report/"
FINDINGS = "/api/plugins/egov/findings/"
T0 = datetime.datetime(2026, 11, 28, 2, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


def iso(moment):
    return moment.isoformat()


#
# The rules, as plain functions
#

def stored(pk, kind="serial_differs", subject="", status="open", last_seen=T0, device_says="B", netbox_says="A",
           resolved_at=None, interface=None):
    return rules.Stored(pk=pk, kind=kind, subject=subject, status=status, last_seen=last_seen,
                        netbox_says=netbox_says, device_says=device_says, resolved_at=resolved_at,
                        interface=interface)


SERIAL = rules.Seen("serial_differs", netbox_says="A", device_says="B")


def outcome(plan):
    return {change.pk: (change.outcome, change.fields) for change in plan.changes}


def test_a_new_key_is_created():
    plan = rules.plan([], [SERIAL], T0, complete=True)
    assert (plan.create, plan.changes) == ([SERIAL], [])
    assert plan.counts() == {"created": 1, "updated": 0, "reopened": 0, "resolved": 0, "unchanged": 0}


def test_seen_again_moves_only_the_last_sighting_and_is_not_logged():
    plan = rules.plan([stored(1)], [SERIAL], T0 + HOUR, complete=True)
    assert outcome(plan) == {1: ("unchanged", {"last_seen": T0 + HOUR})}
    assert not plan.changes[0].logged


def test_what_the_device_says_is_updated():
    plan = rules.plan([stored(1, device_says="OLD")], [SERIAL], T0 + HOUR, complete=True)
    assert outcome(plan) == {1: ("updated", {"device_says": "B", "last_seen": T0 + HOUR})}
    assert plan.changes[0].logged


def test_an_acknowledged_finding_stays_acknowledged_when_only_netbox_changes():
    plan = rules.plan([stored(1, status="acknowledged", netbox_says="OLD")], [SERIAL], T0 + HOUR, True)
    assert outcome(plan) == {1: ("updated", {"netbox_says": "A", "last_seen": T0 + HOUR})}


def test_an_acknowledged_finding_reopens_when_the_device_says_something_else():
    plan = rules.plan([stored(1, status="acknowledged", device_says="OLD")], [SERIAL], T0 + HOUR, True)
    assert outcome(plan) == {1: ("reopened", {"device_says": "B", "status": "open", "resolved_at": None,
                                              "last_seen": T0 + HOUR})}


def test_a_resolved_finding_seen_again_reopens():
    plan = rules.plan([stored(1, status="resolved", resolved_at=T0)], [SERIAL], T0 + HOUR, False)
    assert outcome(plan)[1][0] == "reopened"


def test_a_complete_report_resolves_what_it_does_not_list():
    findings = [stored(1), stored(2, kind="os_differs", status="acknowledged"),
                stored(3, kind="model_differs", status="resolved", resolved_at=T0)]
    plan = rules.plan(findings, [], T0 + HOUR, complete=True)
    assert outcome(plan) == {pk: ("resolved", {"status": "resolved", "resolved_at": T0 + HOUR}) for pk in (1, 2)}


def test_an_incomplete_report_resolves_nothing():
    unreachable = rules.Seen("device_unreachable", device_says="timeout")
    plan = rules.plan([stored(1)], [unreachable], T0 + HOUR, complete=False)
    assert (plan.create, plan.changes) == ([unreachable], [])


def test_a_replayed_older_report_changes_nothing():
    findings = [stored(1, last_seen=T0 + HOUR, device_says="NEW"),
                stored(2, kind="os_differs", last_seen=T0 + HOUR),
                stored(3, kind="model_differs", status="resolved", last_seen=T0 - HOUR, resolved_at=T0 + HOUR)]
    older = [rules.Seen("serial_differs", device_says="OLD"), rules.Seen("model_differs")]
    plan = rules.plan(findings, older, T0, complete=True)
    assert outcome(plan) == {1: ("unchanged", {}), 3: ("unchanged", {})}  # 2 not listed, but seen later: kept


def test_the_same_report_twice_changes_nothing_the_second_time():
    plan = rules.plan([stored(1)], [SERIAL], T0, complete=True)
    assert outcome(plan) == {1: ("unchanged", {})}


@pytest.mark.parametrize(("item", "field"), [
    (rules.Seen("serial_differs", subject="Gi0/1"), "subject"),
    (rules.Seen("os_differs", interface=4), "interface"),
    (rules.Seen("undocumented_link", subject=" "), "subject"),
    (rules.Seen("interface_up_but_disabled", subject="Gi0/1", far_interface=4), "far_interface"),
])
def test_an_item_whose_subject_does_not_fit_its_kind_is_named(item, field):
    (index, named, _value, _message), = rules.item_problems([SERIAL, item])
    assert (index, named) == (1, field)


def test_a_key_reported_twice_is_named():
    assert rules.item_problems([SERIAL, SERIAL])[0][:2] == (1, "subject")


def test_the_plain_strings_are_the_choice_values():
    assert set(rules.KINDS) == set(FindingKindChoices.values())
    assert {rules.OPEN, rules.ACKNOWLEDGED, rules.RESOLVED} == set(FindingStatusChoices.values())
    assert set(rules.ACCEPTS) <= set(rules.KINDS)


#
# Pages, REST and GraphQL on NetBox's test cases
#

class FindingAPITest(RegistryAPI, APIViewTestCases.GetObjectViewTestCase, APIViewTestCases.ListObjectsViewTestCase,
                     APIViewTestCases.UpdateObjectViewTestCase, APIViewTestCases.DeleteObjectViewTestCase,
                     APIViewTestCases.GraphQLTestCase):
    model = Finding
    # GraphQL resolves related objects through the user's permissions too.
    user_permissions = ("dcim.view_device", "dcim.view_interface")
    brief_fields = ["display", "id", "kind", "status", "subject", "url"]
    update_data = {"status": "acknowledged", "note": "A spare chassis, swapped on purpose."}
    bulk_update_data = {"note": "Reviewed"}

    @classmethod
    def setUpTestData(cls):
        fx.findings(fx.devices(fx.sites(1)[0]))

    def test_findings_are_not_created_through_plain_create(self):
        self.add_permissions("netbox_egov.add_finding")
        device = Device.objects.first()
        response = self.client.post(self._get_list_url(), {"device": device.pk, "kind": "os_differs"}, format="json",
                                    **self.header)
        self.assertEqual(response.status_code, 405)
        self.assertIn("report", response.json()["detail"])

    def test_what_a_finding_says_is_not_a_persons_to_edit(self):
        self.add_permissions("netbox_egov.view_finding", "netbox_egov.change_finding")
        finding = Finding.objects.first()
        before = (finding.device_says, finding.netbox_says, finding.kind, finding.device_id)
        response = self.client.patch(self._get_detail_url(finding), {
            "device_says": "forged", "netbox_says": "forged", "kind": "os_differs", "device": 1, "note": "ok"},
            format="json", **self.header)
        self.assertEqual(response.status_code, 200, response.content)
        finding.refresh_from_db()
        self.assertEqual((finding.device_says, finding.netbox_says, finding.kind, finding.device_id), before)
        self.assertEqual(finding.note, "ok")

    def test_an_acknowledgement_needs_a_note(self):
        self.add_permissions("netbox_egov.view_finding", "netbox_egov.change_finding")
        finding = Finding.objects.first()
        response = self.client.patch(self._get_detail_url(finding), {"status": "acknowledged"}, format="json",
                                     **self.header)
        self.assertEqual(response.status_code, 400)
        self.assertIn("note", response.json())
        resolved = self.client.patch(self._get_detail_url(finding), {"status": "resolved"}, format="json",
                                     **self.header)
        self.assertEqual(resolved.json()["status"]["value"], "resolved")
        self.assertIsNotNone(resolved.json()["resolved_at"])


class FindingViewTest(RegistryURLs, ViewTestCases.GetObjectViewTestCase, ViewTestCases.GetObjectChangelogViewTestCase,
                      ViewTestCases.EditObjectViewTestCase, ViewTestCases.DeleteObjectViewTestCase,
                      ViewTestCases.ListObjectsViewTestCase, ViewTestCases.BulkEditObjectsViewTestCase,
                      ViewTestCases.BulkDeleteObjectsViewTestCase):
    model = Finding

    @classmethod
    def setUpTestData(cls):
        fx.findings(fx.devices(fx.sites(1)[0]))
        cls.form_data = {"status": "acknowledged", "note": "Known: the spare is in service"}
        cls.bulk_edit_data = {"status": "acknowledged", "note": "Known and accepted"}

    def test_the_edit_form_offers_status_and_note_only(self):
        set_superuser(self.user)
        form = self.client.get(self._get_url("edit", Finding.objects.first())).context["form"]
        shown = {name for name in form.fields if not name.startswith("_")} - {"tags", "changelog_message"}
        self.assertEqual(shown, {"status", "note"})

    def test_the_list_filters_by_agency_site_kind_status_and_time(self):
        set_superuser(self.user)
        device = Device.objects.first()
        device.tenant = Tenant.objects.create(name="Dinas A", slug="dinas-a")
        device.save()
        url = self._get_url("list")
        for params, expected in (
            ({"tenant_id": device.tenant_id}, Finding.objects.filter(device=device)),
            ({"site_id": device.site_id}, Finding.objects.all()),
            ({"kind": "os_differs"}, Finding.objects.filter(kind="os_differs")),
            ({"status": "resolved"}, Finding.objects.none()),
            ({"last_seen__gte": iso(fx.NOW + HOUR)}, Finding.objects.none()),
            ({"first_seen__lte": iso(fx.NOW)}, Finding.objects.all()),
            ({"q": "DEV1"}, Finding.objects.filter(device_says="DEV1")),
        ):
            with self.subTest(params=params):
                response = self.client.get(url, params)
                self.assertEqual(response.status_code, 200)
                self.assertEqual({row.pk for row in response.context["table"].data},
                                 set(expected.values_list("pk", flat=True)))


#
# The report endpoint, as the collectors call it
#

class ReportTest(DemoClients, TestCase):
    """POST findings/report/ with the demo collector's token (and an officer's), on the demo data."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.collector = User.objects.get(username="collector")
        Finding.objects.all().delete()  # the demo's own findings: each test starts from none
        cls.device = cls.own_gateway
        cls.ports = list(Interface.objects.filter(device=cls.device).order_by("name"))

    def report(self, findings, observed_at=T0, complete=True, device=None, user=None):
        body = {"device": (device or self.device).pk, "complete": complete, "observed_at": iso(observed_at),
                "findings": findings}
        return self.api("post", REPORT, user or self.collector, body)

    def item(self, kind="serial_differs", **fields):
        return {"kind": kind, "subject": "", "interface": None, "netbox_says": "", "device_says": "FOC1", **fields}

    def port_item(self, port, kind="interface_down_but_enabled", **fields):
        return self.item(kind, **{"subject": port.name, "interface": port.pk, "netbox_says": "enabled",
                                  "device_says": "down", **fields})

    def counts(self, response):
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def test_a_report_creates_findings_and_the_same_report_again_changes_nothing(self):
        items = [self.item(), self.port_item(self.ports[0])]
        self.assertEqual(self.counts(self.report(items)),
                         {"created": 2, "updated": 0, "reopened": 0, "resolved": 0, "unchanged": 0})
        finding = Finding.objects.get(kind="interface_down_but_enabled")
        self.assertEqual((finding.device, finding.interface, finding.subject, finding.status, finding.first_seen,
                          finding.last_seen), (self.device, self.ports[0], self.ports[0].name, "open", T0, T0))
        self.assertEqual(self.counts(self.report(items, T0 + HOUR))["unchanged"], 2)
        finding.refresh_from_db()
        self.assertEqual((finding.first_seen, finding.last_seen), (T0, T0 + HOUR))

    def test_creating_and_changing_is_change_logged_under_the_collector_seeing_again_is_not(self):
        self.report([self.item()])
        finding = Finding.objects.get()
        entries = ObjectChange.objects.filter(changed_object_id=finding.pk, changed_object_type__model="finding")
        self.assertEqual([(e.action, e.user_name, e.related_object_id) for e in entries],
                         [("create", "collector", self.device.pk)])
        self.assertEqual(entries.get().postchange_data["device_says"], "FOC1")
        self.report([self.item()], T0 + HOUR)
        self.assertEqual(entries.count(), 1)
        self.report([self.item(device_says="FOC2")], T0 + 2 * HOUR)
        update = entries.filter(action="update").get()
        self.assertEqual((update.prechange_data["device_says"], update.postchange_data["device_says"]),
                         ("FOC1", "FOC2"))

    def test_an_acknowledged_finding_stays_until_the_device_says_something_else(self):
        self.report([self.item()])
        Finding.objects.update(status="acknowledged", note="Spare chassis")
        self.assertEqual(self.counts(self.report([self.item(netbox_says="FOC0")], T0 + HOUR))["updated"], 1)
        self.assertEqual(Finding.objects.get().status, "acknowledged")
        self.assertEqual(self.counts(self.report([self.item(device_says="FOC2")], T0 + 2 * HOUR))["reopened"], 1)
        self.assertEqual(Finding.objects.get().status, "open")

    def test_a_complete_run_resolves_what_it_no_longer_sees_an_incomplete_one_nothing(self):
        self.report([self.item(), self.port_item(self.ports[0])])
        unreachable = [self.item("device_unreachable", device_says="SSH timeout")]
        self.assertEqual(self.counts(self.report(unreachable, T0 + HOUR, complete=False))["resolved"], 0)
        self.assertEqual(Finding.objects.filter(status="open").count(), 3)
        counts = self.counts(self.report([self.item()], T0 + 2 * HOUR))
        self.assertEqual((counts["resolved"], counts["unchanged"]), (2, 1))
        resolved = Finding.objects.get(kind="interface_down_but_enabled")
        self.assertEqual((resolved.status, resolved.resolved_at), ("resolved", T0 + 2 * HOUR))
        self.assertEqual(self.counts(self.report([self.port_item(self.ports[0])], T0 + 3 * HOUR))["reopened"], 1)

    def test_a_replayed_older_report_changes_nothing(self):
        self.report([self.item(device_says="NEW")], T0 + HOUR)
        counts = self.counts(self.report([self.item(device_says="OLD")], T0))
        self.assertEqual(counts["unchanged"], 1)
        finding = Finding.objects.get()
        self.assertEqual((finding.device_says, finding.last_seen), ("NEW", T0 + HOUR))
        self.assertEqual(self.counts(self.report([], T0))["resolved"], 0)  # older than its last sighting
        self.assertEqual(Finding.objects.get().status, "open")

    def test_one_bad_item_refuses_the_whole_report_naming_index_field_and_value(self):
        self.report([self.item()])
        bad = [self.item("os_differs"), self.item("bogus_kind")]
        response = self.report(bad, T0 + HOUR)
        self.assertEqual(response.status_code, 400)
        message = response.json()["findings[1].kind"][0]
        self.assertIn("'bogus_kind'", message)
        self.assertEqual(list(Finding.objects.values_list("kind", "last_seen")), [("serial_differs", T0)])
        too_long = self.report([self.item(device_says="x" * 300)], T0 + HOUR)
        self.assertIn("findings[0].device_says", too_long.json())

    def test_an_interface_must_be_visible_the_devices_and_named_as_netbox_names_it(self):
        other_port = Interface.objects.filter(device=self.other_gateway).first()
        cases = (
            (self.port_item(other_port), "findings[0].interface", other_port.name),
            (self.port_item(self.ports[0], subject="Gi0/0/0"), "findings[0].subject", "'Gi0/0/0'"),
            (self.port_item(self.ports[0], interface=2**62), "findings[0].interface", "no interface"),
            (self.item("serial_differs", subject="Gi0/0/0"), "findings[0].subject", "about the device"),
        )
        for item, key, text in cases:
            with self.subTest(key=key, text=text):
                response = self.report([item])
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn(text, response.json()[key][0])
        self.assertFalse(Finding.objects.exists())

    def test_bad_top_level_values_are_named(self):
        for body, key in (
            ({"observed_at": "2026-11-28T02:00:00"}, "observed_at"),  # no UTC offset
            ({"observed_at": "2026-11-28T02:00:00-22:52"}, "observed_at"),
            ({"device": 2**64}, "device"),
            ({"device": 2**31 - 1}, "device"),
            ({"complete": "perhaps"}, "complete"),
            ({"findings": "serial_differs"}, "findings"),
        ):
            with self.subTest(body=body):
                full = {"device": self.device.pk, "complete": True, "observed_at": iso(T0), "findings": [], **body}
                response = self.api("post", REPORT, self.collector, full)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn(key, response.json())

    def test_a_report_beyond_the_request_size_limit_is_refused_not_a_server_error(self):
        padding = [self.item(netbox_says="x" * 250, device_says="y" * 250)] * 6000  # about 3.5 MB
        response = self.report(padding)
        self.assertEqual(response.status_code, 413, response.content[:300])
        self.assertFalse(Finding.objects.exists())

    def test_the_query_count_does_not_grow_with_the_findings(self):
        def run(size, observed_at):
            items = [self.port_item(port) for port in self.ports[:size]]
            items += [self.item(kind) for kind in ("serial_differs", "os_differs", "model_differs")]
            with CaptureQueriesContext(connection) as queries:
                self.counts(self.report(items, observed_at))
            return len(queries)

        self.report([self.item()], T0 - HOUR)  # warm the caches (content types, the token's permissions)
        self.assertGreaterEqual(len(self.ports), 3)
        measured = {}
        for size in (1, len(self.ports)):
            Finding.objects.all().delete()
            measured[size] = [run(size, T0), run(size, T0 + HOUR), run(0, T0 + 2 * HOUR)]  # new, seen, resolved
        self.assertEqual(measured[1], measured[len(self.ports)])

    def test_the_query_count_is_the_same_for_1_and_20_findings(self):
        ports = [Interface.objects.create(device=self.device, name=f"Loopback{n}", type="virtual")
                 for n in range(20)]

        def run(count, observed_at):
            with CaptureQueriesContext(connection) as queries:
                self.counts(self.report([self.port_item(port, "unknown_neighbour") for port in ports[:count]],
                                        observed_at))
            return len(queries)

        self.report([], T0 - HOUR)  # warm the caches
        one = run(1, T0)
        Finding.objects.all().delete()
        twenty = run(20, T0)
        self.assertEqual(one, twenty)
        self.assertEqual(Finding.objects.count(), 20)

    def test_an_officer_needs_add_and_change_and_reports_only_for_their_own_devices(self):
        self.assertEqual(self.report([self.item()], user=self.officer).status_code, 403)
        grant(self.officer, "netbox_egov.finding", ["add", "change"], {"device__tenant__slug": "disdik"})
        self.assertEqual(self.counts(self.report([self.item()], user=self.officer))["created"], 1)
        missing = self.report([self.item()], device=Device(pk=2**31 - 1), user=self.officer)
        other = self.report([self.item()], device=self.other_gateway, user=self.officer)
        self.assertEqual(other.status_code, 400)
        self.assertEqual(other.json(), json.loads(missing.content.decode().replace(str(2**31 - 1),
                                                                                    str(self.other_gateway.pk))))
        self.assertFalse(Finding.objects.filter(device=self.other_gateway).exists())
        # A device the officer views but is not theirs (one serving their agency): the same answer.
        shared = Device.objects.restrict(self.officer, "view").exclude(tenant__slug="disdik").first()
        if shared is not None:
            refused = self.report([self.item()], device=shared, user=self.officer)
            self.assertEqual(refused.json(), json.loads(missing.content.decode().replace(str(2**31 - 1),
                                                                                          str(shared.pk))))
            self.assertFalse(Finding.objects.filter(device=shared).exists())

    def test_a_read_only_token_may_not_report(self):
        monitoring = User.objects.get(username="monitoring")
        self.assertEqual(self.report([self.item()], user=monitoring).status_code, 403)


#
# Accepting a finding
#

class Accepting:
    """The officer of Dinas Pendidikan may change their own devices and interfaces; the Dinas only views them."""

    def accept_url(self, finding):
        return reverse("plugins:netbox_egov:finding_accept", kwargs={"pk": finding.pk})

    def test_the_officer_accepts_the_devices_serial_from_the_findings_page(self):
        client = self.ui(self.officer)
        page = client.get(self.serial.get_absolute_url())
        self.assertContains(page, self.accept_url(self.serial))
        confirmation = client.get(self.accept_url(self.serial))
        self.assertContains(confirmation, "FDO2231A0KX")
        self.assertContains(confirmation, 'name="_confirm"')
        self.own_gateway.refresh_from_db()
        self.assertEqual(self.own_gateway.serial, "")  # a GET changes nothing
        response = client.post(self.accept_url(self.serial))
        self.assertRedirects(response, self.serial.get_absolute_url(), fetch_redirect_response=False)
        self.own_gateway.refresh_from_db()
        self.assertEqual(self.own_gateway.serial, "FDO2231A0KX")
        change = ObjectChange.objects.get(changed_object_type__model="device", changed_object_id=self.own_gateway.pk)
        self.assertEqual((change.user, change.action, change.postchange_data["serial"]),
                         (self.officer, "update", "FDO2231A0KX"))
        self.serial.refresh_from_db()
        self.assertEqual(self.serial.status, "resolved")
        self.assertIn("Accepted by tik.disdik", self.serial.note)

    def test_the_officer_disables_the_interface_through_the_api(self):
        response = self.api("post", f"{FINDINGS}{self.port.pk}/accept/", self.officer, {})
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["finding"]["status"]["value"], body["changed"]["object_type"]),
                         ("resolved", "dcim.interface"))
        interface = Interface.objects.get(pk=self.port.interface_id)
        self.assertFalse(interface.enabled)
        self.assertTrue(ObjectChange.objects.filter(changed_object_type__model="interface",
                                                    changed_object_id=interface.pk, user=self.officer).exists())

    def test_without_change_on_the_device_it_is_refused_and_nothing_changes(self):
        # The Dinas reviews every finding but changes no agency's device: 403, the serial as it was.
        response = self.api("post", f"{FINDINGS}{self.serial.pk}/accept/", self.dinas, {})
        self.assertEqual(response.status_code, 403, response.content)
        self.assertEqual(self.ui(self.dinas).post(self.accept_url(self.serial)).status_code, 403)
        self.own_gateway.refresh_from_db()
        self.serial.refresh_from_db()
        self.assertEqual((self.own_gateway.serial, self.serial.status), ("", "open"))
        self.assertFalse(ObjectChange.objects.filter(changed_object_type__model="device").exists())
        page = self.ui(self.dinas).get(self.serial.get_absolute_url())
        self.assertContains(page, "You may not change device gw-disdik.")
        self.assertNotContains(page, self.accept_url(self.serial))

    def test_another_agencys_finding_is_not_found(self):
        dinkes = Finding.objects.get(device=self.other_gateway)
        self.assertEqual(self.api("post", f"{FINDINGS}{dinkes.pk}/accept/", self.officer, {}).status_code, 404)
        self.assertEqual(self.ui(self.officer).get(self.accept_url(dinkes)).status_code, 404)
        self.assertEqual(self.ui(self.officer).post(self.accept_url(dinkes)).status_code, 404)

    def test_an_administrator_accepts_an_undocumented_link_as_a_new_cable(self):
        admin = User.objects.create_user(username="admin-findings", is_superuser=True)
        near, far = self.link.interface, self.link.far_interface
        self.assertContains(self.ui(admin).get(self.accept_url(self.link)), "Create a cable from core-sw-01")
        self.ui(admin).post(self.accept_url(self.link))
        cable = Cable.objects.get(terminations___device=near.device, terminations__termination_id=near.pk)
        self.assertEqual({end.pk for end in (*cable.a_terminations, *cable.b_terminations)}, {near.pk, far.pk})
        self.assertEqual(judge_cable(cable, active_scheme()).status, "correct")  # labelled as Pasal 11(3) asks
        self.assertTrue(ObjectChange.objects.filter(changed_object_type__model="cable", changed_object_id=cable.pk,
                                                    user=admin, action="create").exists())
        self.link.refresh_from_db()
        self.assertEqual(self.link.status, "resolved")

    def test_a_model_is_accepted_only_when_one_device_type_has_it(self):
        finding = Finding.objects.create(device=self.own_gateway, kind="model_differs", netbox_says="ISR4331",
                                         device_says="ISR4321/K9", first_seen=T0, last_seen=T0)
        url = f"{FINDINGS}{finding.pk}/accept/"
        refused = self.api("post", url, self.officer, {})
        self.assertEqual(refused.status_code, 400)
        self.assertIn("No device type", refused.json()["detail"])
        cisco = self.own_gateway.device_type.manufacturer
        isr4321 = DeviceType.objects.create(manufacturer=cisco, model="ISR4321", slug="isr4321",
                                            part_number="ISR4321/K9")
        other = Manufacturer.objects.create(name="Clone", slug="clone")
        DeviceType.objects.create(manufacturer=other, model="ISR4321/K9", slug="clone-isr")
        self.assertEqual(self.api("post", url, self.officer, {}).status_code, 200)  # Cisco's own is preferred
        self.own_gateway.refresh_from_db()
        self.assertEqual(self.own_gateway.device_type, isr4321)

    def test_a_link_to_a_device_the_officer_may_not_view_is_not_named(self):
        core = Interface.objects.get(device__name="core-sw-01", name="GigabitEthernet1/0/46")
        port = Interface.objects.get(device=self.own_gateway, name="GigabitEthernet0/0/2")
        finding = Finding.objects.create(device=self.own_gateway, kind="undocumented_link", subject=port.name,
                                         interface=port, far_interface=core, netbox_says="no cable",
                                         device_says="an LLDP neighbour", first_seen=T0, last_seen=T0)
        page = self.ui(self.officer).get(self.accept_url(finding))
        self.assertContains(page, "You may not view both ends of this link.")
        self.assertNotContains(page, "core-sw-01")
        response = self.api("post", f"{FINDINGS}{finding.pk}/accept/", self.officer, {})
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("core-sw-01", response.content.decode())
        self.assertIsNone(self.api("get", f"{FINDINGS}{finding.pk}/", self.officer).json()["far_interface"])

    def test_kinds_without_an_obvious_fix_are_not_accepted(self):
        dinkes = Finding.objects.get(kind="os_differs")
        response = self.api("post", f"{FINDINGS}{dinkes.pk}/accept/", self.dinas, {})
        self.assertEqual(response.status_code, 400)
        self.assertIn("nothing to accept", response.json()["detail"])


#
# Panels, scorecard, scoping on the demo
#

class Pages:
    def test_the_device_page_lists_its_open_and_acknowledged_findings(self):
        page = self.ui(self.officer).get(self.own_gateway.get_absolute_url()).content.decode()
        table_url = f"/plugins/egov/findings/?embedded=True&device_id={self.own_gateway.pk}&amp;status=open&amp;" \
                    "status=acknowledged"
        self.assertTrue(table_url in page, table_url)
        table = self.ui(self.officer).get("/plugins/egov/findings/", {"device_id": self.own_gateway.pk,
                                                                       "status": ["open", "acknowledged"]})
        self.assertEqual({row.kind for row in table.context["table"].data},
                         {"serial_differs", "interface_down_but_enabled"})
        quiet = Device.objects.get(name="gw-setda")  # no findings: no panel
        self.assertFalse("findings/?embedded" in self.ui(self.dinas).get(quiet.get_absolute_url()).content.decode())

    def test_the_agency_page_counts_findings_per_kind_with_links(self):
        disdik = Tenant.objects.get(slug="disdik")
        page = self.ui(self.officer).get(disdik.get_absolute_url())
        self.assertContains(page, 'id="agency-findings"')
        self.assertContains(page, f"?tenant_id={disdik.pk}&amp;kind=serial_differs&amp;status=open")
        self.assertContains(page, "Serial number differs")
        dinkes = Tenant.objects.get(slug="dinkes")
        dinas_page = self.ui(self.dinas).get(dinkes.get_absolute_url())
        self.assertContains(dinas_page, "OS version differs")

    def test_the_scorecard_counts_open_findings_the_same_for_everyone(self):
        disdik = next(row for row in scorecard(self.officer) if row.agency.slug == "disdik")
        dinas = {row.agency.slug: row for row in scorecard(self.dinas)}
        self.assertEqual(disdik.as_dict(), dinas["disdik"].as_dict())
        self.assertEqual((disdik.open_findings, disdik.checks["documentation_matches"]), (2, False))
        self.assertEqual(dinas["dinkes"].checks["documentation_matches"], True)  # acknowledged: accepted
        self.assertIn(("documentation_matches", False), dinas["kec-bayat"].checks.items())
        page = self.ui(self.dinas).get(reverse("plugins:netbox_egov:compliance"))
        self.assertContains(page, "Documentation matches the network")

    def test_an_officer_reads_and_reviews_only_their_agencys_findings(self):
        listed = self.api("get", FINDINGS, self.officer).json()["results"]
        self.assertEqual({row["device"]["name"] for row in listed}, {"gw-disdik"})
        graphql = self.api("post", "/graphql/", self.officer, {"query": "{ finding_list { kind device { name } } }"})
        self.assertEqual({row["device"]["name"] for row in graphql.json()["data"]["finding_list"]}, {"gw-disdik"})
        own = Finding.objects.get(device=self.own_gateway, kind="serial_differs")
        other = Finding.objects.get(device=self.other_gateway)
        acknowledged = self.api("patch", f"{FINDINGS}{own.pk}/", self.officer,
                                {"status": "acknowledged", "note": "Chassis swapped under warranty"})
        self.assertEqual(acknowledged.status_code, 200, acknowledged.content)
        self.assertEqual(self.api("patch", f"{FINDINGS}{other.pk}/", self.officer, {"note": "x"}).status_code, 404)
        self.assertEqual(self.api("delete", f"{FINDINGS}{own.pk}/", self.officer).status_code, 403)

    def test_graphql_filters_findings(self):
        query = ('{ finding_list(filters: {status: {exact: "open"}, kind: {exact: "serial_differs"}}) '
                 '{ device { name } } }')
        graphql = self.api("post", "/graphql/", self.dinas, {"query": query}).json()
        self.assertEqual(graphql["data"]["finding_list"], [{"device": {"name": "gw-disdik"}}])

    def test_global_search_finds_a_finding_by_what_the_device_says(self):
        search_backend.cache(Finding.objects.all(), remove_existing=False)
        results = search_backend.search("FDO2231A0KX", user=self.dinas)
        self.assertEqual([result.object for result in results], [self.serial])

    def test_the_demo_has_findings_of_several_kinds_and_states(self):
        self.assertGreaterEqual(Finding.objects.values("kind").distinct().count(), 5)
        self.assertEqual(set(Finding.objects.values_list("status", flat=True)), {"open", "acknowledged", "resolved"})


class OnTheDemoTest(Accepting, Pages, DemoClients, TestCase):
    """Accepting, the pages and the scoping on the demo's own findings (one demo load for all of them)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.serial = Finding.objects.get(device=cls.own_gateway, kind="serial_differs")
        cls.port = Finding.objects.get(device=cls.own_gateway, kind="interface_down_but_enabled")
        cls.link = Finding.objects.get(kind="undocumented_link")
