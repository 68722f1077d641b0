"""The UI of every registry model on NetBox's view test cases: list, detail, add, edit, delete,
import, export, bulk edit and bulk delete, each also with constrained object permissions."""

import datetime

import registry_fixtures as fx
from django.test import override_settings
from django.urls import reverse
from helpers import DOCUMENTATION_ALLOWED, RegistryURLs

from utilities.testing import TestCase, ViewTestCases

from netbox_egov.models import (
    BackboneLink,
    BandwidthQuota,
    DRPlan,
    InformationSystem,
    LabelScheme,
    PublicIPAllocation,
    QuotaUsage,
    Recommendation,
    RecommendationItem,
    Repository,
    Schedule,
    SecurityAssessment,
    SecuritySystem,
    Uplink,
    UplinkAssignment,
)


class BackboneLinkViewTest(RegistryURLs, ViewTestCases.PrimaryObjectViewTestCase):
    model = BackboneLink

    @classmethod
    def setUpTestData(cls):
        sites = fx.sites()
        links = fx.backbone_links(sites)
        cls.form_data = {"name": "Form link", "site_a": sites[0].pk, "site_b": sites[3].pk, "medium": "fiber",
                         "capacity_mbps": 100, "status": "active"}
        cls.csv_data = (
            "name,site_a,site_b,medium,capacity_mbps,status",
            "CSV 1,site-1,site-3,fiber,1000,active",
            "CSV 2,site-2,site-4,wireless-ptp,100,planned",
            "CSV 3,site-1,site-4,vpn,10,down",
        )
        cls.csv_update_data = (
            "id,capacity_mbps,redundancy_group",
            *(f"{link.pk},{500 + n},group-{n}" for n, link in enumerate(links)),
        )
        cls.bulk_edit_data = {"status": "decommissioned", "capacity_mbps": 42}


class DRPlanViewTest(RegistryURLs, ViewTestCases.PrimaryObjectViewTestCase):
    model = DRPlan

    @classmethod
    def setUpTestData(cls):
        sites = fx.sites(6)
        plans = fx.dr_plans(sites)
        cls.form_data = {"name": "Form plan", "primary_site": sites[4].pk, "dr_site": sites[5].pk,
                         "status": "draft", "rpo_minutes": 30, "rto_minutes": 120}
        cls.csv_data = (
            "name,primary_site,dr_site,status,rpo_minutes,rto_minutes",
            "CSV plan 1,site-5,site-6,draft,10,20",
            "CSV plan 2,site-6,site-5,active,10,20",
            "CSV plan 3,site-4,site-1,retired,10,20",
        )
        cls.csv_update_data = ("id,rpo_minutes", *(f"{plan.pk},{n}" for n, plan in enumerate(plans)))
        cls.bulk_edit_data = {"rto_minutes": 999}


class InformationSystemViewTest(RegistryURLs, ViewTestCases.PrimaryObjectViewTestCase):
    model = InformationSystem

    @classmethod
    def setUpTestData(cls):
        sites = fx.sites()
        systems = fx.information_systems(fx.agencies(), sites)
        cls.form_data = {"name": "Form system", "tenant": systems[0].tenant_id, "site": sites[0].pk,
                         "criticality": "low", "domain_names": "form.example.go.id"}
        cls.csv_data = (
            "name,tenant,site,criticality,domain_names",
            'CSV system 1,agency-1,site-1,high,"a.example.go.id,b.example.go.id"',
            "CSV system 2,agency-2,site-2,low,",
            "CSV system 3,agency-3,site-3,critical,c.example.go.id",
        )
        cls.csv_update_data = ("id,criticality", *(f"{system.pk},critical" for system in systems))
        cls.bulk_edit_data = {"criticality": "high"}


@override_settings(PLUGINS_CONFIG=DOCUMENTATION_ALLOWED)
class PublicIPAllocationViewTest(RegistryURLs, ViewTestCases.PrimaryObjectViewTestCase):
    model = PublicIPAllocation

    @classmethod
    def setUpTestData(cls):
        tenants = fx.agencies()
        prefixes = fx.public_prefixes(8)
        allocations = fx.allocations(tenants, prefixes)
        cls.form_data = {"tenant": tenants[0].pk, "prefix": prefixes[7].pk, "purpose": "Form", "status": "requested"}
        cls.csv_data = (
            "tenant,prefix,purpose,status",
            "agency-1,203.0.113.48/28,CSV 1,requested",
            "agency-2,203.0.113.64/28,CSV 2,approved",
            "agency-3,203.0.113.80/28,CSV 3,requested",
        )
        cls.csv_update_data = ("id,purpose", *(f"{a.pk},Updated {n}" for n, a in enumerate(allocations)))
        cls.bulk_edit_data = {"status": "revoked"}


class UplinkViewTest(RegistryURLs, ViewTestCases.PrimaryObjectViewTestCase):
    model = Uplink

    @classmethod
    def setUpTestData(cls):
        circuits = fx.circuits(4)
        uplinks = fx.uplinks(circuits)
        cls.form_data = {"name": "Form uplink", "circuit": circuits[3].pk, "capacity_mbps": 300}
        cls.csv_data = (
            "name,circuit,capacity_mbps",
            "CSV uplink 1,CID-4,100",
            "CSV uplink 2,CID-4,200",
            "CSV uplink 3,CID-1,300",
        )
        cls.csv_update_data = ("id,capacity_mbps", *(f"{u.pk},{n + 1}" for n, u in enumerate(uplinks)))
        cls.bulk_edit_data = {"capacity_mbps": 77}


class UplinkAssignmentViewTest(RegistryURLs, ViewTestCases.PrimaryObjectViewTestCase):
    model = UplinkAssignment

    @classmethod
    def setUpTestData(cls):
        uplinks = fx.uplinks(fx.circuits())
        tenants = fx.agencies(7)
        assignments = fx.uplink_assignments(uplinks, tenants)
        cls.form_data = {"uplink": uplinks[1].pk, "tenant": tenants[6].pk, "role": "primary"}
        cls.csv_data = (
            "uplink,tenant,role",
            "Uplink 2,agency-4,primary",
            "Uplink 2,agency-5,backup",
            "Uplink 3,agency-6,primary",
        )
        cls.csv_update_data = ("id,role", *(f"{a.pk},backup" for a in assignments))
        cls.bulk_edit_data = {"role": "backup"}


class SecuritySystemViewTest(RegistryURLs, ViewTestCases.PrimaryObjectViewTestCase):
    model = SecuritySystem

    @classmethod
    def setUpTestData(cls):
        systems = fx.security_systems()
        cls.form_data = {"name": "Form guard", "kind": "waf"}
        cls.csv_data = (
            "name,kind",
            "CSV guard 1,firewall",
            "CSV guard 2,ids-ips",
            "CSV guard 3,waf",
        )
        cls.csv_update_data = ("id,kind", *(f"{s.pk},siem" for s in systems))
        cls.bulk_edit_data = {"kind": "vpn-gateway"}


class SecurityAssessmentViewTest(RegistryURLs, ViewTestCases.PrimaryObjectViewTestCase):
    model = SecurityAssessment

    @classmethod
    def setUpTestData(cls):
        systems = fx.information_systems(fx.agencies(), fx.sites())
        assessments = fx.security_assessments(systems)
        cls.form_data = {"information_system": systems[0].pk, "assessed_on": fx.TODAY, "result": "failed",
                         "findings_count": 9}
        cls.csv_data = (
            "information_system,assessed_on,result,findings_count",
            "System 1,2026-01-01,passed,0",
            "System 2,2026-01-02,conditional,3",
            "System 3,2026-01-03,failed,12",
        )
        cls.csv_update_data = ("id,findings_count", *(f"{a.pk},{n + 5}" for n, a in enumerate(assessments)))
        cls.bulk_edit_data = {"result": "conditional"}


class RepositoryViewTest(RegistryURLs, ViewTestCases.PrimaryObjectViewTestCase):
    model = Repository

    @classmethod
    def setUpTestData(cls):
        repositories = fx.repositories()
        cls.form_data = {"name": "Form mirror", "mirror_url": "https://form.example.org/",
                         "content_kind": "documents"}
        cls.csv_data = (
            "name,mirror_url,content_kind",
            "CSV mirror 1,https://c1.example.org/,os-packages",
            "CSV mirror 2,https://c2.example.org/,datasets",
            "CSV mirror 3,https://c3.example.org/,other",
        )
        cls.csv_update_data = ("id,content_kind", *(f"{r.pk},documents" for r in repositories))
        cls.bulk_edit_data = {"content_kind": "language-packages"}


class ImportAllOrNothingTest(TestCase):
    """A file with bad rows imports nothing, and every bad row is named."""

    def test_every_bad_record_is_reported_and_nothing_imported(self):
        fx.sites()
        self.add_permissions("netbox_egov.add_backbonelink", "netbox_egov.view_backbonelink", "dcim.view_site")
        data = "\n".join((
            "name,site_a,site_b,medium,capacity_mbps",
            "Good,site-1,site-2,fiber,100",
            "Loop,site-1,site-1,fiber,100",
            "Nowhere,site-1,site-9,fiber,100",
            "Also good,site-2,site-3,fiber,100",
        ))
        response = self.client.post(reverse("plugins:netbox_egov:backbonelink_bulk_import"),
                                    {"data": data, "format": "csv", "csv_delimiter": ","})
        self.assertEqual(response.status_code, 200)
        errors = list(response.context["form"].non_field_errors())
        self.assertEqual([error.split(" ")[1] for error in errors], ["2", "3"], errors)
        self.assertIn("site_b", errors[0])
        self.assertIn("site-9", errors[1])
        self.assertEqual(BackboneLink.objects.count(), 0)


class ScheduleViewTest(RegistryURLs, ViewTestCases.PrimaryObjectViewTestCase):
    model = Schedule

    @classmethod
    def setUpTestData(cls):
        schedules = fx.schedules()
        cls.form_data = {"name": "Form hours", "time_zone": "Asia/Jakarta", "weekdays": [0, 4],
                         "start_time": datetime.time(8), "end_time": datetime.time(12)}
        cls.csv_data = (
            "name,time_zone,weekdays,start_time,end_time",
            'CSV hours 1,Asia/Jakarta,"0,1,2",07:00,15:00',
            "CSV hours 2,Asia/Jakarta,5,08:00,12:00",
            'CSV hours 3,Asia/Makassar,"0,6",09:00,10:00',
        )
        cls.csv_update_data = ("id,time_zone", *(f"{s.pk},Asia/Jayapura" for s in schedules))
        cls.bulk_edit_data = {"time_zone": "Asia/Makassar"}


class BandwidthQuotaViewTest(RegistryURLs, ViewTestCases.PrimaryObjectViewTestCase):
    model = BandwidthQuota

    @classmethod
    def setUpTestData(cls):
        tenants = fx.agencies(7)
        uplink = fx.uplinks(fx.circuits())[0]
        quotas = fx.quotas(tenants[:3], uplink)
        cls.form_data = {"tenant": tenants[6].pk, "uplink": uplink.pk, "guaranteed_down_mbps": 10,
                         "guaranteed_up_mbps": 5, "ceiling_down_mbps": 50, "ceiling_up_mbps": 20, "priority": 3,
                         "cap_action": "notify"}
        cls.csv_data = (
            "tenant,uplink,guaranteed_down_mbps,guaranteed_up_mbps,ceiling_down_mbps,ceiling_up_mbps",
            "agency-4,Uplink 1,5,5,10,10",
            "agency-5,Uplink 1,5,5,10,10",
            "agency-6,Uplink 1,5,5,10,10",
        )
        cls.csv_update_data = ("id,priority", *(f"{q.pk},{n + 1}" for n, q in enumerate(quotas)))
        cls.bulk_edit_data = {"priority": 7}


class QuotaUsageViewTest(RegistryURLs, ViewTestCases.PrimaryObjectViewTestCase):
    model = QuotaUsage

    @classmethod
    def setUpTestData(cls):
        tenants = fx.agencies(7)
        rows = fx.usage(tenants[:3])
        cls.form_data = {"tenant": tenants[6].pk, "period": "month", "period_start": datetime.date(2026, 11, 1),
                         "source": "gw", "bytes_in": 5, "bytes_out": 6, "samples": 1, "observed_at": fx.NOW}
        cls.csv_data = (
            "tenant,period,period_start,source,bytes_in,bytes_out,samples,observed_at",
            "agency-4,day,2026-11-02,gw,1,2,3,2026-11-02T00:00:00Z",
            "agency-5,day,2026-11-02,gw,1,2,3,2026-11-02T00:00:00Z",
            "agency-6,month,2026-11-01,gw,1,2,3,2026-11-02T00:00:00Z",
        )
        cls.csv_update_data = ("id,source", *(f"{row.pk},gw-{n}" for n, row in enumerate(rows)))
        cls.bulk_edit_data = {"source": "collector-2"}


class RecommendationViewTest(RegistryURLs, ViewTestCases.PrimaryObjectViewTestCase):
    model = Recommendation

    @classmethod
    def setUpTestData(cls):
        tenants = fx.agencies()
        recommendations = fx.recommendations(tenants)
        cls.form_data = {"tenant": tenants[0].pk, "title": "Form request", "kind": "procurement",
                         "justification": "Servers for the new office"}
        cls.csv_data = (
            "tenant,title,kind,justification",
            "agency-1,CSV 1,lan,a",
            "agency-2,CSV 2,end-user-devices,b",
            "agency-3,CSV 3,internal-security,c",
        )
        cls.csv_update_data = ("id,kind", *(f"{r.pk},procurement" for r in recommendations))
        cls.bulk_edit_data = {"kind": "end-user-devices"}


class RecommendationItemViewTest(RegistryURLs, ViewTestCases.PrimaryObjectViewTestCase):
    model = RecommendationItem

    @classmethod
    def setUpTestData(cls):
        recommendations = fx.recommendations(fx.agencies())
        items = fx.recommendation_items(recommendations)
        cls.form_data = {"recommendation": recommendations[0].pk, "description": "Form AP", "quantity": 3}
        cls.csv_data = (
            "recommendation,description,quantity",
            *(f"{r.pk},CSV item {n},{n + 1}" for n, r in enumerate(recommendations)),
        )
        cls.csv_update_data = ("id,quantity", *(f"{item.pk},7" for item in items))
        cls.bulk_edit_data = {"quantity": 5}


class LabelSchemeViewTest(
    RegistryURLs,
    ViewTestCases.GetObjectViewTestCase,
    ViewTestCases.GetObjectChangelogViewTestCase,
    ViewTestCases.ListObjectsViewTestCase,
):
    """Reading, with NetBox's permission checks; writing is for administrators only (test_cable_labels.py)."""

    model = LabelScheme

    @classmethod
    def setUpTestData(cls):
        fx.label_schemes()

