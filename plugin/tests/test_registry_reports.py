"""The backbone map and reports, the registry panels on core pages, and the demo registry data."""

import xml.etree.ElementTree as ET

import registry_fixtures as fx
from django.urls import reverse
from helpers import grant

from dcim.models import Site
from ipam.models import Prefix
from tenancy.models import Tenant
from utilities.testing import TestCase

from netbox_egov.backbone import reachability_report
from netbox_egov.demo.loader import load_demo
from netbox_egov.models import BackboneLink, DRPlan, InformationSystem, PublicIPAllocation


class DemoRegistryTest(TestCase):
    """The demo backbone is what the issue asks for: everyone reachable, one agency behind a single link, one down."""

    @classmethod
    def setUpTestData(cls):
        load_demo()

    def setUp(self):
        super().setUp()
        self.add_permissions("netbox_egov.view_backbonelink", "netbox_egov.view_drplan", "dcim.view_site",
                             "tenancy.view_tenant")

    def test_every_agency_reaches_the_data_center(self):
        self.assertEqual(reachability_report(self.user).unreachable, [])

    def test_kemalang_and_trucuk_hang_on_single_links(self):
        cut_off = {site.slug for _link, sites in reachability_report(self.user).single_points_of_failure
                   for site in sites}
        self.assertIn("kantor-kec-kemalang", cut_off)
        self.assertIn("kantor-kec-trucuk", cut_off)  # its VPN backup is down
        self.assertNotIn("kantor-setda", cut_off)  # on a fiber ring

    def test_map_page_renders_every_link_and_the_down_one(self):
        response = self.client.get(reverse("plugins:netbox_egov:backbone_map"))
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        drawn = BackboneLink.objects.filter(status__in=("active", "down")).count()
        self.assertEqual(body.count('<g class="egov-link'), drawn)
        self.assertEqual(body.count("egov-link-down"), 1)

    def test_kecamatan_are_placed_by_their_coordinates_and_the_map_has_its_controls(self):
        self.assertEqual(Site.objects.filter(tenant__group__slug="kecamatan", latitude__isnull=False).count(), 26)
        body = self.client.get(reverse("plugins:netbox_egov:backbone_map")).content.decode()
        self.assertEqual(body.count('class="egov-site egov-located"'), 26)
        self.assertIn("netbox_egov/backbone_map.js", body)
        self.assertIn("netbox_egov/backbone_map.css", body)
        self.assertIn('href="?export=svg"', body)

    def test_the_map_downloads_as_an_svg_file(self):
        response = self.client.get(reverse("plugins:netbox_egov:backbone_map"), {"export": "svg"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/svg+xml; charset=utf-8")
        self.assertIn("attachment", response["Content-Disposition"])
        svg = ET.fromstring(response.content)  # a well-formed document of its own
        self.assertEqual(svg.tag, "{http://www.w3.org/2000/svg}svg")
        self.assertEqual(len(svg.findall(".//{http://www.w3.org/2000/svg}circle")),
                         Site.objects.filter(pk__in=BackboneLink.objects.values("site_a")).union(
                             Site.objects.filter(pk__in=BackboneLink.objects.values("site_b"))).count())

    def test_reachability_page_lists_the_single_points_of_failure(self):
        response = self.client.get(reverse("plugins:netbox_egov:backbone_reachability"))
        self.assertContains(response, "Wireless kemalang-manisrenggo")
        self.assertContains(response, "Kantor Kecamatan Kemalang")

    def test_site_page_shows_the_map_around_the_site(self):
        site = Site.objects.get(slug="kantor-kec-kemalang")
        response = self.client.get(site.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "egov-backbone-map")
        self.assertContains(response, "Kantor Kecamatan Manisrenggo")

    def test_agency_page_lists_its_registry_objects_through_restricted_tables(self):
        self.add_permissions("netbox_egov.view_publicipallocation", "netbox_egov.view_informationsystem",
                             "netbox_egov.view_uplinkassignment")
        tenant = Tenant.objects.get(slug="bapenda")
        response = self.client.get(tenant.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        # Each panel loads the plugin's own (permission-restricted) list view, filtered to this agency.
        body = response.content.decode()
        for path in ("backbone-links", "public-ip-allocations", "information-systems", "uplink-assignments"):
            self.assertTrue(f'hx-get="/plugins/egov/{path}/?embedded=True&tenant_id={tenant.pk}' in body, path)
        listed = self.client.get(f"/plugins/egov/information-systems/?tenant_id={tenant.pk}",
                                 HTTP_HX_REQUEST="true")
        self.assertContains(listed, "SIMPAD Pajak Daerah")
        self.assertNotContains(listed, "SIMPEG")

    def test_one_system_runs_outside_the_data_center(self):
        outside = InformationSystem.with_placement(InformationSystem.objects.all()).filter(in_data_center=False)
        self.assertEqual([system.name for system in outside], ["SIMRS Bagas Waras"])

    def test_allocations_one_requested_several_approved(self):
        self.assertEqual(PublicIPAllocation.objects.filter(status="requested").count(), 1)
        self.assertGreaterEqual(PublicIPAllocation.objects.filter(status="approved").count(), 3)


class ReportPermissionTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        sites = fx.sites()
        fx.backbone_links(sites)
        DRPlan.objects.create(name="Plan", primary_site=sites[0], dr_site=sites[1], rpo_minutes=1, rto_minutes=1,
                              status="active")

    def test_report_pages_need_the_view_permission(self):
        for name in ("backbone_map", "backbone_reachability", "unallocated_public_space"):
            with self.subTest(page=name):
                self.assertEqual(self.client.get(reverse(f"plugins:netbox_egov:{name}")).status_code, 403)

    def test_map_shows_only_links_the_user_may_view(self):
        grant(self.user, "netbox_egov.backbonelink", ["view"], constraints={"name": "Link 1"})
        self.add_permissions("netbox_egov.view_drplan", "dcim.view_site")
        body = self.client.get(reverse("plugins:netbox_egov:backbone_map")).content.decode()
        self.assertEqual(body.count('<g class="egov-link'), 1)
        download = self.client.get(reverse("plugins:netbox_egov:backbone_map"), {"export": "svg"})
        self.assertEqual(download.content.decode().count('<g class="egov-link'), 1)

    def test_a_site_the_user_may_not_view_is_not_placed_by_its_coordinates(self):
        Site.objects.filter(name__in=["Site 1", "Site 2"]).update(latitude=-7.7, longitude=110.6)
        grant(self.user, "dcim.site", ["view"], constraints={"name": "Site 1"})
        self.add_permissions("netbox_egov.view_backbonelink")
        body = self.client.get(reverse("plugins:netbox_egov:backbone_map")).content.decode()
        self.assertEqual(body.count('class="egov-site egov-located"'), 1)  # Site 1; Site 2 is a nameless dot
        self.assertNotIn("Site 2", body)

    def test_no_data_center_no_download(self):
        DRPlan.objects.update(status="draft")
        self.add_permissions("netbox_egov.view_backbonelink")
        response = self.client.get(reverse("plugins:netbox_egov:backbone_map"), {"export": "svg"})
        self.assertEqual(response.status_code, 404)


class UnallocatedSpaceTest(TestCase):
    def test_reports_public_space_no_allocation_holds(self):
        tenant = Tenant.objects.create(name="Agency", slug="agency")
        Prefix.objects.create(prefix="203.0.113.0/24")
        Prefix.objects.create(prefix="10.0.0.0/8")  # private: never reported
        held = Prefix.objects.create(prefix="203.0.113.0/25")
        PublicIPAllocation.objects.create(tenant=tenant, prefix=held, purpose="web", status="approved")
        revoked = Prefix.objects.create(prefix="203.0.113.128/26")
        PublicIPAllocation.objects.create(tenant=tenant, prefix=revoked, purpose="old", status="revoked")
        self.add_permissions("netbox_egov.view_publicipallocation", "ipam.view_prefix")
        response = self.client.get(reverse("plugins:netbox_egov:unallocated_public_space"))
        self.assertContains(response, "203.0.113.128/25")
        self.assertNotContains(response, "10.0.0.0")
        self.assertNotContains(response, "203.0.113.0/25<")
