"""FilterSets of the registry models: each filter narrows to the objects it should."""

import registry_fixtures as fx
from django.test import TestCase

from netbox_egov.filtersets import (
    BackboneLinkFilterSet,
    DRPlanFilterSet,
    InformationSystemFilterSet,
    PublicIPAllocationFilterSet,
    RepositoryFilterSet,
    SecurityAssessmentFilterSet,
    SecuritySystemFilterSet,
    UplinkAssignmentFilterSet,
    UplinkFilterSet,
)
from netbox_egov.models import (
    BackboneLink,
    DRPlan,
    InformationSystem,
    PublicIPAllocation,
    Repository,
    SecurityAssessment,
    SecuritySystem,
    Uplink,
    UplinkAssignment,
)


class FilterTestCase(TestCase):
    filterset = None
    queryset = None

    def names(self, **params):
        return sorted(str(obj) for obj in self.filterset(params, self.queryset.all()).qs)


class BackboneLinkFilterSetTest(FilterTestCase):
    filterset = BackboneLinkFilterSet
    queryset = BackboneLink.objects

    @classmethod
    def setUpTestData(cls):
        cls.sites = fx.sites()
        cls.tenant = fx.agencies(1)[0]
        cls.sites[3].tenant = cls.tenant
        cls.sites[3].save()
        fx.backbone_links(cls.sites)

    def test_either_end(self):
        self.assertEqual(self.names(site_id=[self.sites[1].pk]), ["Link 1", "Link 2"])

    def test_site_a_by_slug(self):
        self.assertEqual(self.names(site_a=["site-2"]), ["Link 2"])

    def test_agency_at_either_end(self):
        self.assertEqual(self.names(tenant_id=[self.tenant.pk]), ["Link 3"])

    def test_medium_and_status(self):
        self.assertEqual(self.names(medium=["fiber", "vpn"]), ["Link 1", "Link 3"])
        self.assertEqual(self.names(status=["down"]), ["Link 3"])

    def test_search(self):
        self.assertEqual(self.names(q="Site 4"), ["Link 3"])


class DRPlanFilterSetTest(FilterTestCase):
    filterset = DRPlanFilterSet
    queryset = DRPlan.objects

    @classmethod
    def setUpTestData(cls):
        cls.sites = fx.sites()
        fx.dr_plans(cls.sites)

    def test_primary_or_dr_site(self):
        self.assertEqual(self.names(site_id=[self.sites[1].pk]), ["Plan 1", "Plan 2"])

    def test_status(self):
        self.assertEqual(self.names(status=["active"]), ["Plan 1"])


class InformationSystemFilterSetTest(FilterTestCase):
    filterset = InformationSystemFilterSet
    queryset = InformationSystem.objects

    @classmethod
    def setUpTestData(cls):
        cls.sites = fx.sites()
        cls.systems = fx.information_systems(fx.agencies(), cls.sites)
        plan = DRPlan.objects.create(name="Plan", primary_site=cls.sites[0], dr_site=cls.sites[1], rpo_minutes=1,
                                     rto_minutes=1, status="active")
        plan.information_systems.add(cls.systems[2])

    def test_in_data_center_means_the_primary_or_dr_site_of_an_active_plan(self):
        self.assertEqual(self.names(in_data_center=True), ["System 1", "System 2"])
        self.assertEqual(self.names(in_data_center=False), ["System 3"])

    def test_dr_covered(self):
        self.assertEqual(self.names(dr_covered=True), ["System 3"])
        self.assertEqual(self.names(dr_covered=False), ["System 1", "System 2"])

    def test_domain_name_and_search(self):
        self.assertEqual(self.names(domain_name="system2.example.go.id"), ["System 2"])
        self.assertEqual(self.names(q="system3.example.go.id"), ["System 3"])

    def test_owner_agency(self):
        self.assertEqual(self.names(tenant=["agency-2"]), ["System 1"])


class PublicIPAllocationFilterSetTest(FilterTestCase):
    filterset = PublicIPAllocationFilterSet
    queryset = PublicIPAllocation.objects

    @classmethod
    def setUpTestData(cls):
        cls.tenants = fx.agencies()
        allocations = fx.allocations(cls.tenants, fx.public_prefixes())
        allocations[0].status = "revoked"
        allocations[0].save()

    def test_agency_and_status(self):
        self.assertEqual(self.names(tenant_id=[self.tenants[1].pk]), ["Agency 2 203.0.113.16/28"])
        self.assertEqual(self.names(status=["revoked"]), ["Agency 1 203.0.113.0/28"])


class UplinkFilterSetsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.uplinks = fx.uplinks(fx.circuits())
        cls.tenants = fx.agencies()
        fx.uplink_assignments(cls.uplinks, cls.tenants)

    def test_uplinks_an_agency_egresses_through(self):
        qs = UplinkFilterSet({"tenant_id": [self.tenants[0].pk]}, Uplink.objects.all()).qs
        self.assertEqual([uplink.name for uplink in qs], ["Uplink 1"])

    def test_assignments_by_role_and_uplink(self):
        qs = UplinkAssignmentFilterSet({"uplink": ["Uplink 1"], "role": ["primary"]}, UplinkAssignment.objects.all())
        self.assertEqual(qs.qs.count(), 3)
        qs = UplinkAssignmentFilterSet({"role": ["backup"]}, UplinkAssignment.objects.all())
        self.assertEqual(qs.qs.count(), 0)


class SecurityAndRepositoryFilterSetsTest(TestCase):
    def test_security_system_kind_and_protected_site(self):
        systems = fx.security_systems()
        site = fx.sites(1)[0]
        systems[1].protected_sites.add(site)
        systems[2].kind = "waf"
        systems[2].save()
        by_site = SecuritySystemFilterSet({"protected_site_id": [site.pk]}, SecuritySystem.objects.all()).qs
        self.assertEqual([s.name for s in by_site], ["Guard 2"])
        by_kind = SecuritySystemFilterSet({"kind": ["waf"]}, SecuritySystem.objects.all()).qs
        self.assertEqual([s.name for s in by_kind], ["Guard 3"])

    def test_assessment_result_and_repository_content(self):
        assessments = fx.security_assessments(fx.information_systems(fx.agencies(), fx.sites()))
        assessments[0].result = "failed"
        assessments[0].save()
        failed = SecurityAssessmentFilterSet({"result": ["failed"]}, SecurityAssessment.objects.all()).qs
        self.assertEqual(list(failed), [assessments[0]])
        repositories = fx.repositories()
        repositories[0].content_kind = "datasets"
        repositories[0].save()
        data = RepositoryFilterSet({"content_kind": ["datasets"]}, Repository.objects.all()).qs
        self.assertEqual(list(data), [repositories[0]])
