"""Every registry list endpoint and list view runs the same number of queries for 1 row as for 100."""

import registry_fixtures as fx
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from helpers import plugin_models, set_superuser

from dcim.models import Interface
from ipam.models import Prefix
from utilities.testing import APITestCase, TestCase

from netbox_egov.models import (
    BackboneLink,
    BandwidthQuota,
    DomainList,
    DRPlan,
    FilterPolicy,
    Finding,
    InformationSystem,
    LabelScheme,
    PublicIPAllocation,
    Push,
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


class Rows:
    """Makes rows of any registry model, each with its relations filled, so prefetching is really exercised."""

    def __init__(self, user):
        self.user = user
        self.sites = fx.sites(2)
        self.tenants = fx.agencies(1)
        self.circuit = fx.circuits(1)[0]
        self.device = fx.devices(self.sites[0], count=1)[0]
        self.prefix = Prefix.objects.create(prefix="203.0.113.0/24")
        self.system = InformationSystem.objects.create(name="Base system", tenant=self.tenants[0], site=self.sites[0])
        self.uplink = Uplink.objects.create(name="Base uplink", circuit=self.circuit, capacity_mbps=1)
        self.schedule = Schedule.objects.create(name="Base hours", weekdays=[0], start_time="08:00",
                                                end_time="16:00")

    def make(self, model, start, count):
        for n in range(start, start + count):
            getattr(self, f"make_{model._meta.model_name}")(n)

    def make_backbonelink(self, n):
        BackboneLink.objects.create(name=f"L{n}", site_a=self.sites[0], site_b=self.sites[1], medium="fiber",
                                    capacity_mbps=n + 1, circuit=self.circuit, status="planned")

    def make_drplan(self, n):
        plan = DRPlan.objects.create(name=f"P{n}", primary_site=self.sites[0], dr_site=self.sites[1], rpo_minutes=1,
                                     rto_minutes=1)
        plan.information_systems.add(self.system)
        plan.replication_circuits.add(self.circuit)

    def make_informationsystem(self, n):
        system = InformationSystem.objects.create(name=f"S{n}", tenant=self.tenants[0], site=self.sites[0],
                                                  domain_names=[f"s{n}.example.go.id"])
        system.devices.add(self.device)

    def make_publicipallocation(self, n):
        PublicIPAllocation.objects.create(tenant=self.tenants[0], prefix=Prefix.objects.create(prefix=f"10.9.{n}.0/24"),
                                          purpose=f"A{n}", status="rejected", information_system=self.system)

    def make_uplink(self, n):
        Uplink.objects.create(name=f"U{n}", circuit=self.circuit, capacity_mbps=1).announced_prefixes.add(self.prefix)

    def make_uplinkassignment(self, n):
        tenant = self.tenants[0].__class__.objects.create(name=f"T{n}", slug=f"t{n}")
        UplinkAssignment.objects.create(uplink=self.uplink, tenant=tenant, role="backup")

    def make_securitysystem(self, n):
        system = SecuritySystem.objects.create(name=f"G{n}", kind="firewall", device=self.device)
        system.protected_sites.add(*self.sites)

    def make_securityassessment(self, n):
        SecurityAssessment.objects.create(information_system=self.system, assessed_on=fx.TODAY, result="passed")

    def make_schedule(self, n):
        Schedule.objects.create(name=f"H{n}", weekdays=[0, 1], start_time="08:00", end_time="16:00")

    def make_bandwidthquota(self, n):
        tenant = self.tenants[0].__class__.objects.create(name=f"Q{n}", slug=f"q{n}")
        BandwidthQuota.objects.create(tenant=tenant, guaranteed_down_mbps=0, guaranteed_up_mbps=0,
                                      ceiling_down_mbps=1, ceiling_up_mbps=1, uplink=self.uplink,
                                      enforcement_device=self.device).prefixes.add(self.prefix)

    def make_quotausage(self, n):
        QuotaUsage.objects.create(tenant=self.tenants[0], period="day", period_start=fx.TODAY, source=f"s{n}",
                                  observed_at=fx.NOW)

    def make_recommendation(self, n):
        Recommendation.objects.create(tenant=self.tenants[0], title=f"R{n}", kind="lan", justification="x",
                                      decided_by=self.user)

    def make_recommendationitem(self, n):
        recommendation = Recommendation.objects.create(tenant=self.tenants[0], title=f"RI{n}", kind="lan",
                                                       justification="x")
        RecommendationItem.objects.create(recommendation=recommendation, device=self.device, site=self.sites[0])

    def make_labelscheme(self, n):
        LabelScheme.objects.create(name=f"LS{n}")

    def make_domainlist(self, n):
        DomainList.objects.create(name=f"D{n}", category="gambling")

    def make_filterpolicy(self, n):
        policy = FilterPolicy.objects.create(name=f"F{n}", schedule=self.schedule)
        blocked = DomainList.objects.create(name=f"FB{n}", category="gambling")
        policy.blocked_lists.add(blocked)
        policy.allowed_lists.add(DomainList.objects.create(name=f"FA{n}", category="allowed"))
        policy.tenants.add(self.tenants[0])
        policy.exempt_tenants.add(self.tenants[0].__class__.objects.create(name=f"E{n}", slug=f"e{n}"))

    def make_push(self, n):
        push = Push.objects.create(gateway=self.device, mode="apply", status="changed", requested_by=self.user,
                                   hosts={self.device.name: {"status": "changed", "ok": n, "changed": 1}})
        push.tenants.add(self.tenants[0])

    def make_finding(self, n):
        near = Interface.objects.create(device=self.device, name=f"eth{n}", type="1000base-t")
        far = Interface.objects.create(device=self.device, name=f"far{n}", type="1000base-t")
        Finding.objects.create(device=self.device, kind="undocumented_link", subject=near.name, interface=near,
                               far_interface=far, device_says=f"peer {n}", first_seen=fx.NOW, last_seen=fx.NOW)

    def make_repository(self, n):
        Repository.objects.create(name=f"R{n}", mirror_url=f"http://r{n}.example.org/", content_kind="other",
                                  device=self.device)


class QueryCountMixin:
    def assertConstantQueries(self, url, **headers):
        for model in plugin_models():
            with self.cleanupSubTest(model=model.__name__):  # rolled back after each model
                rows = Rows(self.user)
                rows.make(model, 0, 1)
                self.client.get(url(model), **headers)  # warm caches (content types, user config)
                one = self.count(url(model), **headers)
                rows.make(model, 1, 99)
                hundred = self.count(url(model), **headers)
                self.assertEqual(one, hundred, f"{model.__name__}: {one} queries for 1 row, {hundred} for 100")

    def count(self, url, **headers):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url, **headers)
        self.assertEqual(response.status_code, 200)
        return len(queries)


class APIQueryCountTest(QueryCountMixin, APITestCase):
    def test_list_endpoints(self):
        set_superuser(self.user)
        self.assertConstantQueries(
            lambda model: reverse(f"plugins-api:netbox_egov-api:{model._meta.model_name}-list") + "?limit=1000",
            **self.header,
        )


class ViewQueryCountTest(QueryCountMixin, TestCase):
    def test_list_views(self):
        set_superuser(self.user)
        self.assertConstantQueries(
            lambda model: reverse(f"plugins:netbox_egov:{model._meta.model_name}_list") + "?per_page=1000"
        )
