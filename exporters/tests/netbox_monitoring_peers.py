"""NetBox's side of the exporter's tests: a small regency made through the ORM in the test database (agencies with
quotas and usage, a backbone link with its cable, DR plans, domain lists) and tokens of users who may only view,
for the stack's NetBox served by ``live_netbox`` (collectors/tests/netbox_peers.py). A pytest plugin
(conftest.py): the fixtures ``monitored_regency`` and ``viewer_token``.

Unique names are its own (``mon-...``), not the demo's: test runs sharing the test database (--reuse-db) would
otherwise wait on, or deadlock over, the same names held by each other's open transactions.
"""

import datetime

import pytest

from egov_push import effective

GIB = 2**30
# What the exporter reads (egov_exporter/netbox.py's docstring): a viewer gets view on these and nothing else.
VIEWED = ("dcim.device", "dcim.site", "dcim.interface", "dcim.cable", "tenancy.tenant",
          "netbox_egov.bandwidthquota", "netbox_egov.schedule", "netbox_egov.quotausage",
          "netbox_egov.backbonelink", "netbox_egov.drplan", "netbox_egov.domainlist")
AGENCY_GROUP = "perangkat-daerah"  # the plugin's agency_tenant_group: the compliance scorecard lists its tenants
LAST_DRILL = datetime.date(2026, 1, 15)
NEXT_DRILL = datetime.date(2026, 7, 15)
FEED_SUCCESS = datetime.datetime(2026, 5, 1, 3, 0, tzinfo=datetime.UTC)


class MonitoredRegency:
    """Four agencies of the agency group (slugs mon-...): disdik (an office-hours schedule not in force now,
    off-hours ceilings 8/3 Mbit/s, a 100 GB cap, 95 GiB used: warning), dinkes (no schedule, a 10 GB cap throttled
    to 2 Mbit/s, two sources' rows over it: exceeded), bappeda (a quota without cap, enforcement point or usage)
    and kesbangpol (no quota). A fibre link dc-kominfo - kantor-dinkes with a cable core-1 eth1 - gw-dinkes eth0
    and a down wireless link without cable; an active DR plan drilled and a draft never drilled; a feed and a
    hand-typed domain list."""

    def __init__(self):
        from dcim.models import Cable, Device, DeviceRole, DeviceType, Interface, Manufacturer, Site
        from tenancy.models import Tenant, TenantGroup

        group = TenantGroup.objects.create(name="Perangkat Daerah", slug=AGENCY_GROUP)
        self.tenants = {slug: Tenant.objects.create(name=slug, slug=slug, group=group)
                        for slug in ("mon-disdik", "mon-dinkes", "mon-bappeda", "mon-kesbangpol")}
        self.sites = {slug: Site.objects.create(name=slug, slug=slug)
                      for slug in ("mon-dc-kominfo", "mon-dr-klaten", "mon-kantor-dinkes")}
        maker = Manufacturer.objects.create(name="mon-maker", slug="mon-maker")
        device_type = DeviceType.objects.create(manufacturer=maker, model="mon-box", slug="mon-box")
        role = DeviceRole.objects.create(name="mon-gateway", slug="mon-gateway")
        self.devices, self.interfaces = {}, {}
        for name, site, tenant in (("core-1", "mon-dc-kominfo", None), ("gw-disdik", "mon-dc-kominfo", "mon-disdik"),
                                   ("gw-dinkes", "mon-kantor-dinkes", "mon-dinkes")):
            device = Device.objects.create(name=name, device_type=device_type, role=role, site=self.sites[site],
                                           tenant=self.tenants[tenant] if tenant else None)
            self.devices[name] = device
            for interface in ("eth0", "eth1"):
                self.interfaces[name, interface] = Interface.objects.create(device=device, name=interface,
                                                                            type="1000base-t")
        cable = Cable(a_terminations=[self.interfaces["core-1", "eth1"]],
                      b_terminations=[self.interfaces["gw-dinkes", "eth0"]])
        cable.save()
        self._quotas()
        self._backbone(cable)
        self._dr_plans()
        self._domain_lists()

    def _quotas(self):
        from netbox_egov.models import BandwidthQuota, Schedule

        at = effective.now()
        # Three days from today every day of the run: its office hours are never in force while the test runs.
        elsewhen = Schedule.objects.create(name="mon-another-day", weekdays=[(at.weekday() + 3) % 7],
                                           start_time=datetime.time(0), end_time=datetime.time(23, 59, 59))
        rates = {"guaranteed_down_mbps": 5, "guaranteed_up_mbps": 5, "ceiling_down_mbps": 20, "ceiling_up_mbps": 20}
        BandwidthQuota.objects.create(tenant=self.tenants["mon-disdik"], **rates, schedule=elsewhen,
                                      off_hours_ceiling_down_mbps=8, off_hours_ceiling_up_mbps=3, monthly_cap_gb=100,
                                      cap_action="notify", **self._enforced_on("gw-disdik"))
        BandwidthQuota.objects.create(tenant=self.tenants["mon-dinkes"], **rates, monthly_cap_gb=10,
                                      cap_action="throttle", throttled_ceiling_mbps=2,
                                      **self._enforced_on("gw-dinkes"))
        BandwidthQuota.objects.create(tenant=self.tenants["mon-bappeda"], **rates)
        self.usage("mon-disdik", "gw-disdik", 90 * GIB, 5 * GIB)
        self.usage("mon-disdik", "gw-disdik", 500 * GIB, 0, month=datetime.date(2000, 1, 1))  # an old month: not now
        self.usage("mon-dinkes", "gw-dinkes", 11 * GIB, GIB)
        self.usage("mon-dinkes", "core-1", GIB, 0)  # a second source, within the cap on its own

    def _enforced_on(self, gateway):
        return {"enforcement_device": self.devices[gateway],
                "enforcement_interface": self.interfaces[gateway, "eth1"]}

    def usage(self, slug, source, bytes_in, bytes_out, month=None):
        from netbox_egov.models import QuotaUsage

        at = effective.now()
        QuotaUsage.objects.create(tenant=self.tenants[slug], period="month",
                                  period_start=month or effective.month_start(at), source=source,
                                  bytes_in=bytes_in, bytes_out=bytes_out, samples=1, observed_at=at)

    def _backbone(self, cable):
        from netbox_egov.models import BackboneLink

        BackboneLink.objects.create(name="mon-BB-DC-DINKES", site_a=self.sites["mon-dc-kominfo"],
                                    site_b=self.sites["mon-kantor-dinkes"], medium="fiber", capacity_mbps=1000,
                                    status="active", cable=cable)
        BackboneLink.objects.create(name="mon-BB-DC-DR", site_a=self.sites["mon-dc-kominfo"],
                                    site_b=self.sites["mon-dr-klaten"], medium="wireless-ptp", capacity_mbps=100,
                                    status="down")

    def _dr_plans(self):
        from netbox_egov.models import DRPlan

        DRPlan.objects.create(name="mon-Kominfo DR", primary_site=self.sites["mon-dc-kominfo"],
                              dr_site=self.sites["mon-dr-klaten"], status="active", rpo_minutes=15, rto_minutes=240,
                              last_drill_date=LAST_DRILL, last_drill_result="passed", next_drill_due=NEXT_DRILL)
        DRPlan.objects.create(name="mon-Draft plan", primary_site=self.sites["mon-kantor-dinkes"],
                              dr_site=self.sites["mon-dc-kominfo"], status="draft", rpo_minutes=60, rto_minutes=480)

    @staticmethod
    def _domain_lists():
        from netbox_egov.models import DomainList
        from netbox_egov.site_filter.storage import apply_entries

        DomainList.objects.create(name="mon-TrustPositif", category="gambling", source="feed",
                                  feed_url="https://trustpositif.example/domains", refresh_hours=6,
                                  domain_count=1234, feed_status="unreachable", last_success=FEED_SUCCESS)
        typed = DomainList.objects.create(name="mon-Sosmed", category="social-media")
        apply_entries(typed, "replace", "facebook.com\ntiktok.com\n")


@pytest.fixture
def monitored_regency(db):
    return MonitoredRegency()


@pytest.fixture
def viewer_token(db, api_token):
    """make(name, constraints=None): a token of a new user who may only view what the exporter reads, some object
    types limited to ``constraints`` ({"app_label.model": {...}})."""
    from core.models import ObjectType
    from users.models import ObjectPermission, User

    def make(name="mon-exporter", constraints=None):
        user = User.objects.create(username=name)
        for label in VIEWED:
            permission = ObjectPermission.objects.create(name=f"{name} views {label}", actions=["view"],
                                                         constraints=(constraints or {}).get(label))
            permission.users.add(user)
            permission.object_types.add(ObjectType.objects.get_by_natural_key(*label.split(".")))
        return api_token(user, write_enabled=False)

    return make
