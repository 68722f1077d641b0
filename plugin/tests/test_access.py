"""Agency-scoped access on the demo data: an agency's officer sees and edits only their own agency's objects,
in list views, the REST API, GraphQL and exports; only the Dinas approves."""

import datetime
import io

from django.core.management import call_command
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from core.models import ObjectType
from dcim.models import Cable, Device
from tenancy.models import Tenant
from users.constants import TOKEN_PREFIX
from users.models import Group, ObjectPermission, Token, User

from netbox_egov.access import (
    PERMISSION_PREFIX,
    agency_drafts,
    agency_findings,
    agency_lan,
    agency_view,
    ensure_agency_access,
)
from netbox_egov.demo.loader import load_demo
from netbox_egov.models import Recommendation

FUTURE = datetime.date.today() + datetime.timedelta(days=90)


@override_settings(LOGIN_REQUIRED=True, EXEMPT_VIEW_PERMISSIONS=[])
class AgencyOfficerTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.officer = User.objects.get(username="tik.disdik")
        cls.approver = User.objects.get(username="approver.kominfo")
        cls.dinkes_request = Recommendation.objects.get(tenant__slug="dinkes")  # submitted

    def setUp(self):
        self.client = Client()
        self.client.force_login(self.officer)

    def api(self, path, user=None, **kwargs):
        token = Token.objects.create(user=user or self.officer)
        header = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN_PREFIX}{token.key}.{token.token}",
                  "HTTP_ACCEPT": "application/json"}
        return Client().get(path, **header, **kwargs)

    def test_list_views_show_only_own_agency(self):
        recommendations = self.client.get(reverse("plugins:netbox_egov:recommendation_list")).content.decode()
        self.assertIn("Jaringan LAN gedung baru Disdik", recommendations)
        self.assertNotIn("Pengadaan komputer Puskesmas", recommendations)
        devices = self.client.get(reverse("dcim:device_list") + "?per_page=100").content.decode()
        self.assertIn("gw-disdik", devices)
        self.assertNotIn("gw-dinkes", devices)

    def test_rest_api_returns_only_own_agency(self):
        titles = [row["title"] for row in self.api("/api/plugins/egov/recommendations/").json()["results"]]
        self.assertEqual(titles, ["Jaringan LAN gedung baru Disdik"])
        usage = self.api("/api/plugins/egov/quota-usage/?limit=1000").json()["results"]
        self.assertEqual({row["tenant"]["slug"] for row in usage}, {"disdik"})

    def test_graphql_returns_only_own_agency(self):
        token = Token.objects.create(user=self.officer)
        response = Client().post(
            reverse("graphql"), {"query": "{ recommendation_list { title tenant { slug } } }"},
            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {TOKEN_PREFIX}{token.key}.{token.token}",
        )
        data = response.json()["data"]["recommendation_list"]
        self.assertEqual({row["tenant"]["slug"] for row in data}, {"disdik"})

    def test_exports_carry_only_own_agency(self):
        csv = self.client.get(reverse("plugins:netbox_egov:recommendation_list"), {"export": "table"})
        body = csv.content.decode()
        self.assertIn("Disdik", body)
        self.assertNotIn("Puskesmas", body)

    def test_officer_edits_own_lan_only(self):
        own, other = Device.objects.get(name="gw-disdik"), Device.objects.get(name="gw-dinkes")
        self.assertEqual(self.client.get(reverse("dcim:device_edit", kwargs={"pk": own.pk})).status_code, 200)
        self.assertEqual(self.client.get(reverse("dcim:device_edit", kwargs={"pk": other.pk})).status_code, 404)

    def test_a_cable_into_the_dinas_core_is_not_the_officers_to_edit(self):
        shared = Cable.objects.filter(terminations___device__name="gw-disdik").first()
        self.assertIsNotNone(shared)
        self.assertEqual(self.client.get(reverse("dcim:cable_edit", kwargs={"pk": shared.pk})).status_code, 404)

    def test_officer_cannot_approve_but_the_dinas_can(self):
        url = reverse("plugins:netbox_egov:recommendation_transition",
                      kwargs={"pk": self.dinkes_request.pk, "transition": "approve"})
        self.assertEqual(self.client.post(url, {"valid_until": FUTURE.isoformat()}).status_code, 404)
        approver = Client()
        approver.force_login(self.approver)
        self.assertEqual(approver.post(url, {"valid_until": FUTURE.isoformat()}).status_code, 302)
        self.dinkes_request.refresh_from_db()
        self.assertEqual(self.dinkes_request.status, "approved")

    def test_officer_writes_drafts_for_own_agency_only(self):
        add = reverse("plugins:netbox_egov:recommendation_add")
        form = {"title": "Wifi aula", "kind": "lan", "justification": "Rapat"}
        own = self.client.post(add, {**form, "tenant": self.officer_tenant_pk("disdik")})
        self.assertEqual(own.status_code, 302)
        other = self.client.post(add, {**form, "title": "Wifi lain", "tenant": self.officer_tenant_pk("dinkes")})
        self.assertNotEqual(other.status_code, 302)
        self.assertFalse(Recommendation.objects.filter(title="Wifi lain").exists())

    def test_the_dinas_reads_label_schemes_and_is_offered_no_change(self):
        # Only administrators write label schemes: the menu and the list offered the Dinas buttons that answered 403.
        self.assertTrue(self.approver.has_perm("netbox_egov.view_labelscheme"))
        self.assertFalse(self.approver.has_perm("netbox_egov.add_labelscheme"))
        approver = Client()
        approver.force_login(self.approver)
        page = approver.get(reverse("plugins:netbox_egov:labelscheme_list")).content.decode()
        self.assertNotIn(reverse("plugins:netbox_egov:labelscheme_add"), page)
        self.assertNotIn(reverse("plugins:netbox_egov:labelscheme_bulk_import"), page)

    @staticmethod
    def officer_tenant_pk(slug):
        return Tenant.objects.get(slug=slug).pk


class SetupAccessCommandTest(TestCase):
    def test_running_twice_changes_nothing(self):
        load_demo()
        before = ObjectPermission.objects.count()
        call_command("egov_setup_access", stdout=io.StringIO())
        self.assertEqual(ObjectPermission.objects.count(), before)


class AgencyPermissionsTest(TestCase):
    """ensure_agency_access puts an agency's permissions back as access.py defines them, in a fixed number of
    queries however many there are (they are made in bulk)."""

    @classmethod
    def setUpTestData(cls):
        cls.tenant = Tenant.objects.create(name="Dinas Uji", slug="dinas-uji")
        cls.group = ensure_agency_access(cls.tenant)

    def permission(self, label):
        return self.group.object_permissions.get(name=f"{PERMISSION_PREFIX} {self.tenant.slug}: view {label}")

    def test_every_rule_is_one_permission_of_the_group(self):
        rules = [agency_view, agency_lan, agency_drafts, agency_findings]
        self.assertEqual(self.group.object_permissions.count(), sum(len(rule(self.tenant)) for rule in rules))
        device = self.permission("dcim.device")
        self.assertEqual((device.actions, device.constraints), (["view"], agency_view(self.tenant)["dcim.device"]))
        self.assertEqual([f"{t.app_label}.{t.model}" for t in device.object_types.all()], ["dcim.device"])
        self.assertEqual(list(device.groups.all()), [self.group])

    def test_changed_and_stale_permissions_are_put_right(self):
        device = self.permission("dcim.device")
        device.actions, device.constraints, device.enabled = ["view", "delete"], {"id": 0}, False
        device.save()
        device.object_types.set(ObjectType.objects.filter(app_label="dcim", model="site"))
        device.groups.add(Group.objects.create(name="someone else"))
        stale = ObjectPermission.objects.create(name=f"{PERMISSION_PREFIX} {self.tenant.slug}: view dcim.rack",
                                                actions=["view"])
        stale.groups.add(self.group)

        ensure_agency_access(self.tenant)

        device.refresh_from_db()
        self.assertEqual((device.actions, device.constraints, device.enabled),
                         (["view"], agency_view(self.tenant)["dcim.device"], True))
        self.assertEqual([t.model for t in device.object_types.all()], ["device"])
        self.assertEqual(list(device.groups.all()), [self.group])
        self.assertFalse(ObjectPermission.objects.filter(pk=stale.pk).exists())

    def test_a_fixed_number_of_queries_for_some_forty_permissions(self):
        tenant = Tenant.objects.create(name="Dinas Baru", slug="dinas-baru")
        # The group (get, then made in a savepoint), the object types (the contact rules' and the permissions'),
        # the permissions by name, then all of them, their object types and their group in three inserts, and
        # the stale ones.
        with self.assertNumQueries(10):
            ensure_agency_access(tenant)
        # Nothing to change: the group, the object types, the permissions with their object types and groups
        # (prefetched), and the stale ones.
        with self.assertNumQueries(6):
            ensure_agency_access(self.tenant)
