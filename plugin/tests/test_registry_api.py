"""REST and GraphQL for every registry model, on NetBox's own API test cases.

Each class runs NetBox's get/list/create/update/delete tests (with
constrained object permissions, brief mode, bulk operations) and its GraphQL
tests, against real PostgreSQL.
"""

import registry_fixtures as fx
from django.test import override_settings
from helpers import DOCUMENTATION_ALLOWED, RegistryAPI

from utilities.testing import APIViewTestCases

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


class BackboneLinkAPITest(RegistryAPI, APIViewTestCases.APIViewTestCase):
    model = BackboneLink
    # GraphQL resolves related objects through the user's permissions too.
    user_permissions = ("dcim.view_site", "circuits.view_circuit", "dcim.view_cable",)
    brief_fields = ["description", "display", "id", "name", "status", "url"]
    bulk_update_data = {"capacity_mbps": 2000, "status": "planned"}

    @classmethod
    def setUpTestData(cls):
        sites = fx.sites()
        fx.backbone_links(sites)
        cls.create_data = [
            {"name": "New 1", "site_a": sites[0].pk, "site_b": sites[2].pk, "medium": "fiber", "capacity_mbps": 10},
            {"name": "New 2", "site_a": sites[1].pk, "site_b": sites[3].pk, "medium": "vpn", "capacity_mbps": 5},
            {"name": "New 3", "site_a": sites[0].pk, "site_b": sites[3].pk, "medium": "leased-line",
             "capacity_mbps": 50, "status": "planned"},
        ]


class DRPlanAPITest(RegistryAPI, APIViewTestCases.APIViewTestCase):
    model = DRPlan
    # GraphQL resolves related objects through the user's permissions too.
    user_permissions = (
        "dcim.view_site",
        "circuits.view_circuit",
        "netbox_egov.view_backbonelink",
        "netbox_egov.view_informationsystem",
    )
    brief_fields = ["description", "display", "id", "name", "status", "url"]
    bulk_update_data = {"rpo_minutes": 15}

    @classmethod
    def setUpTestData(cls):
        sites = fx.sites(6)
        fx.dr_plans(sites)
        cls.create_data = [
            {"name": "New plan 1", "primary_site": sites[4].pk, "dr_site": sites[5].pk, "rpo_minutes": 5,
             "rto_minutes": 60},
            {"name": "New plan 2", "primary_site": sites[5].pk, "dr_site": sites[4].pk, "rpo_minutes": 5,
             "rto_minutes": 60, "last_drill_date": "2026-01-01", "last_drill_result": "passed"},
            {"name": "New plan 3", "primary_site": sites[3].pk, "dr_site": sites[0].pk, "rpo_minutes": 0,
             "rto_minutes": 0},
        ]


class InformationSystemAPITest(RegistryAPI, APIViewTestCases.APIViewTestCase):
    model = InformationSystem
    # GraphQL resolves related objects through the user's permissions too.
    user_permissions = (
        "tenancy.view_tenant",
        "dcim.view_site",
        "dcim.view_device",
        "virtualization.view_virtualmachine",
        "netbox_egov.view_drplan",
        "netbox_egov.view_securityassessment",
        "netbox_egov.view_publicipallocation",
    )
    brief_fields = ["description", "display", "id", "name", "url"]
    bulk_update_data = {"criticality": "critical"}

    @classmethod
    def setUpTestData(cls):
        sites = fx.sites()
        tenants = fx.agencies()
        fx.information_systems(tenants, sites)
        device = fx.devices(sites[0], count=1)[0]
        cls.create_data = [
            {"name": "New system 1", "tenant": tenants[0].pk, "site": sites[0].pk, "devices": [device.pk],
             "domain_names": ["a.example.go.id"]},
            {"name": "New system 2", "tenant": tenants[1].pk, "site": sites[1].pk, "criticality": "high"},
            {"name": "New system 3", "tenant": tenants[2].pk, "site": sites[2].pk},
        ]


@override_settings(PLUGINS_CONFIG=DOCUMENTATION_ALLOWED)
class PublicIPAllocationAPITest(RegistryAPI, APIViewTestCases.APIViewTestCase):
    model = PublicIPAllocation
    # GraphQL resolves related objects through the user's permissions too.
    user_permissions = (
        "tenancy.view_tenant",
        "ipam.view_prefix",
        "ipam.view_iprange",
        "netbox_egov.view_informationsystem",
        "users.view_user",
    )
    brief_fields = ["description", "display", "id", "status", "url"]
    bulk_update_data = {"status": "revoked"}

    @classmethod
    def setUpTestData(cls):
        tenants = fx.agencies()
        prefixes = fx.public_prefixes(7)
        fx.allocations(tenants, prefixes)
        cls.create_data = [
            {"tenant": tenants[n].pk, "prefix": prefixes[n + 3].pk, "purpose": f"New {n}"} for n in range(3)
        ]


class UplinkAPITest(RegistryAPI, APIViewTestCases.APIViewTestCase):
    model = Uplink
    # GraphQL resolves related objects through the user's permissions too.
    user_permissions = ("circuits.view_circuit", "ipam.view_prefix", "netbox_egov.view_uplinkassignment",)
    brief_fields = ["description", "display", "id", "name", "url"]
    bulk_update_data = {"capacity_mbps": 999}

    @classmethod
    def setUpTestData(cls):
        circuits = fx.circuits(4)
        fx.uplinks(circuits)
        cls.create_data = [
            {"name": f"New uplink {n}", "circuit": circuits[3].pk, "capacity_mbps": 10 * n} for n in range(1, 4)
        ]


class UplinkAssignmentAPITest(RegistryAPI, APIViewTestCases.APIViewTestCase):
    model = UplinkAssignment
    # GraphQL resolves related objects through the user's permissions too.
    user_permissions = ("netbox_egov.view_uplink", "tenancy.view_tenant",)
    brief_fields = ["display", "id", "role", "url"]
    bulk_update_data = {"role": "backup"}

    @classmethod
    def setUpTestData(cls):
        uplinks = fx.uplinks(fx.circuits())
        tenants = fx.agencies(6)
        fx.uplink_assignments(uplinks, tenants)
        cls.create_data = [
            {"uplink": uplinks[1].pk, "tenant": tenants[n].pk, "role": "primary"} for n in range(3, 6)
        ]


class SecuritySystemAPITest(RegistryAPI, APIViewTestCases.APIViewTestCase):
    model = SecuritySystem
    # GraphQL resolves related objects through the user's permissions too.
    user_permissions = (
        "dcim.view_device",
        "virtualization.view_virtualmachine",
        "dcim.view_site",
        "ipam.view_prefix",
    )
    brief_fields = ["description", "display", "id", "name", "url"]
    bulk_update_data = {"kind": "ids-ips"}

    @classmethod
    def setUpTestData(cls):
        fx.security_systems()
        sites = fx.sites(2)
        cls.create_data = [
            {"name": "New guard 1", "kind": "waf", "protected_sites": [sites[0].pk]},
            {"name": "New guard 2", "kind": "firewall", "protected_sites": [sites[0].pk, sites[1].pk]},
            {"name": "New guard 3", "kind": "siem"},
        ]


class SecurityAssessmentAPITest(RegistryAPI, APIViewTestCases.APIViewTestCase):
    model = SecurityAssessment
    # GraphQL resolves related objects through the user's permissions too.
    user_permissions = ("netbox_egov.view_informationsystem",)
    brief_fields = ["description", "display", "id", "result", "url"]
    bulk_update_data = {"result": "failed"}

    @classmethod
    def setUpTestData(cls):
        systems = fx.information_systems(fx.agencies(), fx.sites())
        fx.security_assessments(systems)
        cls.create_data = [
            {"information_system": systems[n].pk, "assessed_on": f"2026-01-0{n + 1}", "result": "passed",
             "next_due": "2027-01-01"}
            for n in range(3)
        ]


class RepositoryAPITest(RegistryAPI, APIViewTestCases.APIViewTestCase):
    model = Repository
    # GraphQL resolves related objects through the user's permissions too.
    user_permissions = ("dcim.view_device", "virtualization.view_virtualmachine",)
    brief_fields = ["description", "display", "id", "name", "url"]
    bulk_update_data = {"content_kind": "datasets"}

    @classmethod
    def setUpTestData(cls):
        fx.repositories()
        cls.create_data = [
            {"name": f"New mirror {n}", "mirror_url": f"https://m{n}.example.org/", "content_kind": "other"}
            for n in range(1, 4)
        ]


class ScheduleAPITest(RegistryAPI, APIViewTestCases.APIViewTestCase):
    model = Schedule
    validation_excluded_fields = ["start_time", "end_time"]  # compared as text by the test case
    brief_fields = ["description", "display", "id", "name", "url"]
    bulk_update_data = {"time_zone": "Asia/Makassar"}

    @classmethod
    def setUpTestData(cls):
        fx.schedules()
        cls.create_data = [
            {"name": f"New hours {n}", "weekdays": [n], "start_time": "08:00:00", "end_time": "12:00:00"}
            for n in range(3)
        ]


class BandwidthQuotaAPITest(RegistryAPI, APIViewTestCases.APIViewTestCase):
    model = BandwidthQuota
    user_permissions = ("tenancy.view_tenant", "netbox_egov.view_uplink", "netbox_egov.view_schedule",
                        "dcim.view_device", "dcim.view_interface", "ipam.view_prefix")
    brief_fields = ["description", "display", "id", "url"]
    bulk_update_data = {"priority": 2}

    @classmethod
    def setUpTestData(cls):
        tenants = fx.agencies(6)
        uplink = fx.uplinks(fx.circuits())[0]
        fx.quotas(tenants[:3], uplink)
        cls.create_data = [
            {"tenant": tenant.pk, "uplink": uplink.pk, "guaranteed_down_mbps": 10, "guaranteed_up_mbps": 5,
             "ceiling_down_mbps": 20, "ceiling_up_mbps": 10}
            for tenant in tenants[3:]
        ]


class QuotaUsageAPITest(RegistryAPI, APIViewTestCases.APIViewTestCase):
    model = QuotaUsage
    validation_excluded_fields = ["observed_at"]  # compared as text by the test case
    user_permissions = ("tenancy.view_tenant",)
    brief_fields = ["display", "id", "period", "period_start", "url"]
    bulk_update_data = {"source": "gw-2"}

    @classmethod
    def setUpTestData(cls):
        tenants = fx.agencies(6)
        fx.usage(tenants[:3])
        cls.create_data = [
            {"tenant": tenant.pk, "period": "month", "period_start": "2026-11-01", "bytes_in": 1, "bytes_out": 2,
             "samples": 1, "observed_at": "2026-11-27T10:00:00Z"}
            for tenant in tenants[3:]
        ]


class RecommendationAPITest(RegistryAPI, APIViewTestCases.APIViewTestCase):
    model = Recommendation
    user_permissions = ("tenancy.view_tenant", "users.view_user", "netbox_egov.view_recommendationitem")
    brief_fields = ["description", "display", "id", "status", "title", "url"]
    bulk_update_data = {"kind": "end-user-devices"}

    @classmethod
    def setUpTestData(cls):
        tenants = fx.agencies()
        fx.recommendations(tenants)
        cls.create_data = [
            {"tenant": tenant.pk, "title": f"New request {n}", "kind": "internal-security", "justification": "x"}
            for n, tenant in enumerate(tenants)
        ]


class RecommendationItemAPITest(RegistryAPI, APIViewTestCases.APIViewTestCase):
    model = RecommendationItem
    user_permissions = ("netbox_egov.view_recommendation", "dcim.view_device", "dcim.view_devicetype",
                        "dcim.view_site")
    brief_fields = ["description", "display", "id", "quantity", "url"]
    bulk_update_data = {"quantity": 9}

    @classmethod
    def setUpTestData(cls):
        recommendations = fx.recommendations(fx.agencies())
        fx.recommendation_items(recommendations)
        cls.create_data = [
            {"recommendation": recommendation.pk, "description": f"Switch {n}", "quantity": 2}
            for n, recommendation in enumerate(recommendations)
        ]


class LabelSchemeAPITest(
    RegistryAPI,
    APIViewTestCases.GetObjectViewTestCase,
    APIViewTestCases.ListObjectsViewTestCase,
    APIViewTestCases.GraphQLTestCase,
):
    """Reading, with NetBox's permission checks; writing is for administrators only (test_cable_labels.py)."""

    model = LabelScheme
    brief_fields = ["description", "display", "id", "name", "url"]

    @classmethod
    def setUpTestData(cls):
        fx.label_schemes()
