"""Every clean() rule of the registry: the refusal names the field, the value and the conflicting object."""

import registry_fixtures as fx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from netaddr import IPNetwork

from ipam.models import IPAddress, IPRange, Prefix

from netbox_egov.models import BackboneLink, DRPlan, PublicIPAllocation, SecurityAssessment, UplinkAssignment


def plugin_settings(**overrides):
    return {**settings.PLUGINS_CONFIG, "netbox_egov": {**settings.PLUGINS_CONFIG["netbox_egov"], **overrides}}


class RuleTestCase(TestCase):
    def assertRefused(self, obj, field, *fragments):
        with self.assertRaises(ValidationError) as refusal:
            obj.full_clean()
        messages = refusal.exception.message_dict.get(field)
        self.assertIsNotNone(messages, f"no error on {field}: {refusal.exception.message_dict}")
        for fragment in fragments:
            self.assertIn(fragment, " ".join(messages))


class BackboneLinkRulesTest(RuleTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.sites = fx.sites()
        cls.circuit = fx.circuits(1)[0]

    def test_endpoints_must_differ(self):
        link = BackboneLink(name="Loop", site_a=self.sites[0], site_b=self.sites[0], medium="fiber", capacity_mbps=1)
        self.assertRefused(link, "site_b", "Site 1", "must differ")

    def test_capacity_must_be_positive(self):
        link = BackboneLink(name="Zero", site_a=self.sites[0], site_b=self.sites[1], medium="fiber", capacity_mbps=0)
        self.assertRefused(link, "capacity_mbps", "0")

    def test_no_second_active_link_over_the_same_circuit(self):
        BackboneLink.objects.create(name="First", site_a=self.sites[0], site_b=self.sites[1], medium="leased-line",
                                    capacity_mbps=10, circuit=self.circuit)
        second = BackboneLink(name="Second", site_a=self.sites[2], site_b=self.sites[3], medium="leased-line",
                              capacity_mbps=10, circuit=self.circuit)
        self.assertRefused(second, "circuit", "CID-1", "First")

    def test_a_planned_link_may_reuse_the_circuit(self):
        BackboneLink.objects.create(name="First", site_a=self.sites[0], site_b=self.sites[1], medium="leased-line",
                                    capacity_mbps=10, circuit=self.circuit)
        BackboneLink(name="Later", site_a=self.sites[2], site_b=self.sites[3], medium="leased-line",
                     capacity_mbps=10, circuit=self.circuit, status="planned").full_clean()


class DRPlanRulesTest(RuleTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.sites = fx.sites()

    def plan(self, **fields):
        return DRPlan(**{"name": "Plan", "primary_site": self.sites[0], "dr_site": self.sites[1], "rpo_minutes": 1,
                         "rto_minutes": 1, **fields})

    def test_sites_must_differ(self):
        self.assertRefused(self.plan(dr_site=self.sites[0]), "dr_site", "Site 1", "must differ")

    def test_one_active_plan_per_primary_site(self):
        self.plan(name="Existing", status="active").save()
        self.assertRefused(self.plan(name="Another", status="active", dr_site=self.sites[2]), "status",
                           "Site 1", "Existing")

    def test_drill_result_needs_a_date(self):
        self.assertRefused(self.plan(last_drill_result="failed"), "last_drill_date", "Failed")


@override_settings(PLUGINS_CONFIG=plugin_settings(allow_documentation_space=False))
class PublicIPAllocationRulesTest(RuleTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tenants = fx.agencies()

    def allocation(self, prefix, **fields):
        return PublicIPAllocation(tenant=self.tenants[0], prefix=Prefix.objects.create(prefix=IPNetwork(prefix)),
                                  purpose="test", **fields)

    def test_private_loopback_link_local_and_multicast_space_refused(self):
        for prefix, why in (("10.1.0.0/24", "private"), ("127.0.0.0/8", "loopback"),
                            ("169.254.1.0/24", "link-local"), ("224.1.1.0/24", "multicast")):
            with self.subTest(prefix=prefix):
                self.assertRefused(self.allocation(prefix), "prefix", prefix, why)

    def test_documentation_space_refused_unless_the_setting_allows_it(self):
        self.assertRefused(self.allocation("203.0.113.0/28"), "prefix", "203.0.113.0/28", "documentation")
        with override_settings(PLUGINS_CONFIG=plugin_settings(allow_documentation_space=True)):
            self.allocation("203.0.113.16/28").full_clean()

    @override_settings(PLUGINS_CONFIG=plugin_settings(allow_documentation_space=True))
    def test_overlap_with_an_active_allocation_names_it(self):
        held = self.allocation("203.0.113.0/26", status="approved")
        held.save()
        overlapping = PublicIPAllocation(tenant=self.tenants[1], prefix=Prefix.objects.create(prefix="203.0.113.32/28"),
                                         purpose="test")
        self.assertRefused(overlapping, "prefix", "203.0.113.32/28", "203.0.113.0/26", "Agency 1")

    @override_settings(PLUGINS_CONFIG=plugin_settings(allow_documentation_space=True))
    def test_revoked_allocations_free_their_space(self):
        self.allocation("203.0.113.0/26", status="revoked").save()
        self.allocation("203.0.113.0/27").full_clean()

    @override_settings(PLUGINS_CONFIG=plugin_settings(allow_documentation_space=True))
    def test_ip_range_overlap_is_found_too(self):
        self.allocation("203.0.113.0/28", status="approved").save()
        ip_range = IPRange.objects.create(start_address=IPNetwork("203.0.113.10/24"),
                                          end_address=IPNetwork("203.0.113.20/24"))
        allocation = PublicIPAllocation(tenant=self.tenants[1], ip_range=ip_range, purpose="range")
        self.assertRefused(allocation, "ip_range", "203.0.113.10-203.0.113.20", "203.0.113.0/28")

    def test_prefix_or_range_exactly_one(self):
        self.assertRefused(PublicIPAllocation(tenant=self.tenants[0], purpose="nothing"), "prefix", "0")

    @override_settings(PLUGINS_CONFIG=plugin_settings(allow_documentation_space=True))
    def test_utilization_comes_from_ipam(self):
        allocation = self.allocation("203.0.113.0/28", status="approved")
        allocation.save()
        for host in range(1, 8):
            IPAddress.objects.create(address=IPNetwork(f"203.0.113.{host}/28"))
        self.assertEqual(round(allocation.utilization), 50)  # 7 of 14 usable addresses


class UplinkAssignmentRulesTest(RuleTestCase):
    def test_an_agency_has_at_most_one_primary_uplink(self):
        uplinks = fx.uplinks(fx.circuits())
        tenant = fx.agencies(1)[0]
        UplinkAssignment.objects.create(uplink=uplinks[0], tenant=tenant, role="primary")
        UplinkAssignment(uplink=uplinks[1], tenant=tenant, role="backup").full_clean()
        second = UplinkAssignment(uplink=uplinks[2], tenant=tenant, role="primary")
        self.assertRefused(second, "role", "Agency 1", "Uplink 1")


class SecurityAssessmentRulesTest(RuleTestCase):
    def test_next_assessment_comes_after_this_one(self):
        system = fx.information_systems(fx.agencies(), fx.sites())[0]
        assessment = SecurityAssessment(information_system=system, assessed_on=fx.TODAY, result="passed",
                                        next_due=fx.TODAY)
        self.assertRefused(assessment, "next_due", str(fx.TODAY))
