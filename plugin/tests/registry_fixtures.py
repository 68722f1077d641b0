"""Small object sets for the registry tests: real NetBox objects, created through the ORM."""

import datetime

from circuits.models import Circuit, CircuitType, Provider
from dcim.models import Device, DeviceRole, DeviceType, Manufacturer, Site
from ipam.models import Prefix
from tenancy.models import Tenant, TenantGroup

from netbox_egov.logic.quota import GIB
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

TODAY = datetime.date(2026, 11, 27)
NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)


def sites(count=4):
    return [Site.objects.create(name=f"Site {n}", slug=f"site-{n}") for n in range(1, count + 1)]


def agencies(count=3):
    group = TenantGroup.objects.create(name="Perangkat Daerah", slug="perangkat-daerah")
    return [Tenant.objects.create(name=f"Agency {n}", slug=f"agency-{n}", group=group) for n in range(1, count + 1)]


def circuits(count=3):
    provider = Provider.objects.create(name="ISP", slug="isp")
    circuit_type = CircuitType.objects.create(name="Internet", slug="internet")
    return [Circuit.objects.create(cid=f"CID-{n}", provider=provider, type=circuit_type)
            for n in range(1, count + 1)]


def devices(site, count=2):
    device_type = DeviceType.objects.create(
        manufacturer=Manufacturer.objects.create(name="Vendor", slug="vendor"), model="Box", slug="box"
    )
    role = DeviceRole.objects.create(name="Firewall", slug="firewall")
    return [Device.objects.create(name=f"dev-{n}", site=site, device_type=device_type, role=role)
            for n in range(1, count + 1)]


def backbone_links(site_list):
    a, b, c, d = site_list[:4]
    return [
        BackboneLink.objects.create(name="Link 1", site_a=a, site_b=b, medium="fiber", capacity_mbps=1000),
        BackboneLink.objects.create(name="Link 2", site_a=b, site_b=c, medium="wireless-ptp", capacity_mbps=100),
        BackboneLink.objects.create(name="Link 3", site_a=c, site_b=d, medium="vpn", capacity_mbps=20,
                                    status="down"),
    ]


def information_systems(tenants, site_list):
    return [
        InformationSystem.objects.create(name=f"System {n}", tenant=tenants[n % len(tenants)], site=site_list[n - 1],
                                         domain_names=[f"system{n}.example.go.id"])
        for n in range(1, 4)
    ]


def dr_plans(site_list):
    return [
        DRPlan.objects.create(name=f"Plan {n}", primary_site=site_list[n - 1], dr_site=site_list[n],
                              rpo_minutes=60, rto_minutes=240, status="active" if n == 1 else "draft")
        for n in range(1, 4)
    ]


def public_prefixes(count=4):
    return [Prefix.objects.create(prefix=f"203.0.113.{16 * n}/28") for n in range(count)]


def allocations(tenants, prefixes):
    return [
        PublicIPAllocation.objects.create(tenant=tenants[n % len(tenants)], prefix=prefixes[n],
                                          purpose=f"Purpose {n}", status="approved")
        for n in range(3)
    ]


def uplinks(circuit_list):
    return [Uplink.objects.create(name=f"Uplink {n}", circuit=circuit_list[n - 1], capacity_mbps=100 * n)
            for n in range(1, 4)]


def uplink_assignments(uplink_list, tenants):
    return [UplinkAssignment.objects.create(uplink=uplink_list[0], tenant=tenant, role="primary")
            for tenant in tenants[:3]]


def security_systems():
    return [SecuritySystem.objects.create(name=f"Guard {n}", kind="firewall") for n in range(1, 4)]


def security_assessments(systems):
    return [
        SecurityAssessment.objects.create(information_system=systems[n], assessed_on=TODAY, result="passed",
                                          findings_count=n)
        for n in range(3)
    ]


def repositories():
    return [Repository.objects.create(name=f"Mirror {n}", mirror_url=f"http://mirror{n}.example.org/",
                                      content_kind="os-packages") for n in range(1, 4)]


def schedules():
    return [Schedule.objects.create(name=f"Hours {n}", weekdays=[0, 1, 2, 3, 4], start_time=datetime.time(7 + n),
                                    end_time=datetime.time(16)) for n in range(1, 4)]


def quotas(tenants, uplink=None, guaranteed=10):
    return [BandwidthQuota.objects.create(tenant=tenant, uplink=uplink, guaranteed_down_mbps=guaranteed,
                                          guaranteed_up_mbps=5, ceiling_down_mbps=100, ceiling_up_mbps=50,
                                          monthly_cap_gb=100)
            for tenant in tenants]


def usage(tenants):
    return [QuotaUsage.objects.create(tenant=tenant, period="day", period_start=TODAY, bytes_in=10 * GIB,
                                      bytes_out=GIB, samples=12, observed_at=NOW)
            for tenant in tenants]


def recommendations(tenants):
    return [Recommendation.objects.create(tenant=tenants[n % len(tenants)], title=f"Request {n}", kind="lan",
                                          justification="needed") for n in range(1, 4)]


def recommendation_items(recommendation_list):
    return [RecommendationItem.objects.create(recommendation=recommendation, description=f"AP {n}", quantity=n)
            for n, recommendation in enumerate(recommendation_list, start=1)]


def label_schemes():
    return [LabelScheme.objects.create(name=f"Scheme {n}", template="{{ a.device }}:{{ a.port }}-{{ b.device }}")
            for n in range(1, 4)]


def domain_lists():
    return [DomainList.objects.create(name=f"List {n}", category=category)
            for n, category in enumerate(("gambling", "social-media", "allowed"), start=1)]


def filter_policies(lists, tenants=()):
    policies = [FilterPolicy.objects.create(name=f"Policy {n}") for n in range(1, 4)]
    for policy in policies:
        policy.blocked_lists.set(lists[:2])
        policy.tenants.set(tenants[:1])
    return policies


def findings(device_list, count=3):
    """Open device findings, one kind each per device (the key is (device, kind, subject))."""
    kinds = ("serial_differs", "os_differs", "model_differs", "device_unreachable")
    return [Finding.objects.create(device=device_list[n % len(device_list)], kind=kinds[n // len(device_list)],
                                   netbox_says=f"NB{n}", device_says=f"DEV{n}", first_seen=NOW, last_seen=NOW)
            for n in range(count)]
