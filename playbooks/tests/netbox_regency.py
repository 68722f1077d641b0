"""NetBox's side of the enforcement tests: a small regency made through the ORM in the test database (devices,
agencies, quotas, usage, filter policies) and a read-only token, for the stack's NetBox served by ``live_netbox``
(collectors/tests/netbox_peers.py). A pytest plugin (conftest.py): the fixtures ``regency`` and
``read_only_token``.
"""

import datetime

import pytest
from tests.gateway_peers import GATEWAY_SSH

from egov_push import effective


def skip_without_netbox():
    """Skip the calling test module (call it at its top level) when NetBox is not configured."""
    django_settings = pytest.importorskip("django.conf").settings
    if not django_settings.configured:
        pytest.skip("needs NetBox: the stack's venv with pytest-django, NETBOX_ROOT and EGOV_TESTING=1",
                    allow_module_level=True)


GIB = 1024**3


class Regency:
    """Two agencies behind the Linux gateway gw-test (eth1, 1 Gbit/s), a RouterOS gateway and a Linux device
    that enforces nothing (printer, without a primary IP); office hours every day, all day, so the office
    ceilings hold whenever the test runs."""

    def __init__(self):
        from dcim.models import Device, DeviceRole, DeviceType, Interface, Manufacturer, Platform, Site
        from ipam.models import IPAddress, Prefix
        from tenancy.models import Tenant, TenantGroup

        from netbox_egov.models import Schedule

        maker = Manufacturer.objects.create(name="Generic", slug="generic")
        device_type = DeviceType.objects.create(manufacturer=maker, model="Box", slug="box")
        role = DeviceRole.objects.create(name="Gateway", slug="gateway")
        self.platforms = {slug: Platform.objects.create(name=slug, slug=slug) for slug in ("linux", "routeros")}
        group = TenantGroup.objects.create(name="Perangkat Daerah", slug="perangkat-daerah")
        self.tenants = {slug: Tenant.objects.create(name=slug, slug=slug, group=group) for slug in ("disdik", "dinkes")}
        site = Site.objects.create(name="Kantor", slug="kantor")
        self.devices = {}
        for name, platform in (("gw-test", "linux"), ("gw-ros", "routeros"), ("printer", "linux")):
            device = Device.objects.create(name=name, device_type=device_type, role=role, site=site,
                                           platform=self.platforms[platform])
            for interface in ("eth0", "eth1"):
                Interface.objects.create(device=device, name=interface, type="1000base-t", speed=1_000_000)
            self.devices[name] = device
        # gw-ros is only listed, never reached: its address is NetBox data, no host has it.
        for name, address in (("gw-test", GATEWAY_SSH[0]), ("gw-ros", "10.78.50.1")):
            device = self.devices[name]
            device.primary_ip4 = IPAddress.objects.create(address=f"{address}/24",
                                                          assigned_object=device.interfaces.get(name="eth0"))
            device.save()
        self.prefixes = {slug: Prefix.objects.create(prefix=prefix, tenant=self.tenants[slug])
                         for slug, prefix in (("disdik", "10.78.1.0/24"), ("dinkes", "10.78.2.0/24"))}
        self.always = Schedule.objects.create(name="Every day", weekdays=list(range(7)),
                                              start_time=datetime.time(0), end_time=datetime.time(23, 59, 59))

    def quota(self, slug, device="gw-test", interface="eth1", **fields):
        from netbox_egov.models import BandwidthQuota

        gateway = self.devices[device]
        values = {"guaranteed_down_mbps": 5, "guaranteed_up_mbps": 5, "ceiling_down_mbps": 20, "ceiling_up_mbps": 20,
                  "priority": 4, "schedule": self.always, **fields}
        quota = BandwidthQuota.objects.create(tenant=self.tenants[slug], enforcement_device=gateway,
                                              enforcement_interface=gateway.interfaces.get(name=interface), **values)
        quota.prefixes.set([self.prefixes[slug]])
        return quota

    def gateway(self, name, platform, interface, address):
        """One more gateway: a device of ``platform`` (made if new) with ``interface`` and primary IP ``address``."""
        from dcim.models import Device, Interface, Platform
        from ipam.models import IPAddress

        template = self.devices["gw-test"]
        platform, _created = Platform.objects.get_or_create(slug=platform, defaults={"name": platform})
        device = Device.objects.create(name=name, device_type=template.device_type, role=template.role,
                                       site=template.site, platform=platform)
        port = Interface.objects.create(device=device, name=interface, type="1000base-t", speed=1_000_000)
        device.primary_ip4 = IPAddress.objects.create(address=f"{address}/24", assigned_object=port)
        device.save()
        self.devices[name] = device
        return device

    def month_usage(self, slug, gigabytes):
        from netbox_egov.models import QuotaUsage

        at = effective.now()
        QuotaUsage.objects.create(tenant=self.tenants[slug], period="month", period_start=effective.month_start(at),
                                  source="gw-test", bytes_in=gigabytes * GIB, bytes_out=0, samples=1, observed_at=at)

    @staticmethod
    def block(*domains):
        from netbox_egov.models import DomainList, FilterPolicy
        from netbox_egov.site_filter.storage import apply_entries

        blocked = DomainList.objects.create(name=f"Blocked: {domains[0]}", category="gambling")
        apply_entries(blocked, "replace", "".join(f"{domain}\n" for domain in domains))
        FilterPolicy.objects.create(name=f"Block {domains[0]}").blocked_lists.set([blocked])


@pytest.fixture
def regency(db):
    return Regency()


@pytest.fixture
def read_only_token(db, api_token):
    from users.models import User

    return api_token(User.objects.create(username="egov-push", is_superuser=True), write_enabled=False)


def netbox_environment(live, token, cache):
    """What ansible-playbook (nb_inventory, the lookups) needs to read ``live`` NetBox with ``token``."""
    return {"NETBOX_API": live.url, "NETBOX_TOKEN": token, "EGOV_PUSH_CACHE": str(cache)}
