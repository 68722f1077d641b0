"""Enforcement from NetBox's data: quotas, usage and filter policies made through the ORM in the test database,
served by the stack's NetBox (``live_netbox``), read with a read-only token by nb_inventory (inventory/netbox.yml)
and the egov_gateway lookup, pushed to the real gateway of tests/gateway_peers.py over SSH.

Needs NetBox: ``NETBOX_ROOT=<checkout>/.state/netbox EGOV_TESTING=1`` (and root, for the namespaces).
"""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.gateway_peers import AGENCY_A, AGENCY_B, GATEWAY_SSH

from egov_push import effective, runner
from egov_push.netbox import NetBox, NetBoxError, gateway_vars

django_settings = pytest.importorskip("django.conf").settings
if not django_settings.configured:
    pytest.skip("needs NetBox: the stack's venv with pytest-django, NETBOX_ROOT and EGOV_TESTING=1",
                allow_module_level=True)

PLAYBOOKS = Path(runner.__file__).resolve().parent.parent
NETBOX_INVENTORY = PLAYBOOKS / "inventory" / "netbox.yml"
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

    def quota(self, slug, device="gw-test", **fields):
        from netbox_egov.models import BandwidthQuota

        gateway = self.devices[device]
        values = {"guaranteed_down_mbps": 5, "guaranteed_up_mbps": 5, "ceiling_down_mbps": 20, "ceiling_up_mbps": 20,
                  "priority": 4, "schedule": self.always, **fields}
        quota = BandwidthQuota.objects.create(tenant=self.tenants[slug], enforcement_device=gateway,
                                              enforcement_interface=gateway.interfaces.get(name="eth1"), **values)
        quota.prefixes.set([self.prefixes[slug]])
        return quota

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
    return {"NETBOX_API": live.url, "NETBOX_TOKEN": token, "EGOV_PUSH_CACHE": str(cache)}


# The data layer.


def test_gateway_vars_carry_the_quotas_the_usage_state_and_the_filter(regency, read_only_token, live_netbox,
                                                                      tmp_path):
    regency.quota("disdik", ceiling_down_mbps=30, cap_action="throttle", monthly_cap_gb=1, throttled_ceiling_mbps=4)
    regency.quota("dinkes", guaranteed_up_mbps=2, ceiling_up_mbps=8, priority=2)
    regency.month_usage("disdik", 2)  # over its 1 GB
    regency.block("judi.example")
    netbox = NetBox(live_netbox.url, read_only_token, cache_dir=tmp_path)
    gateway = regency.devices["gw-test"].pk
    found = live_netbox.call(gateway_vars, netbox, gateway)
    assert found["egov_interfaces"] == [{"name": "eth1", "ifb": "egovifb0", "down_mbps": 1000, "up_mbps": 1000}]
    disdik, dinkes = found["egov_agencies"][1], found["egov_agencies"][0]
    assert (disdik["slug"], disdik["ceil_down_mbps"], disdik["effective_ceil_down_mbps"],
            disdik["effective_rate_down_mbps"], disdik["limited_by"]) == ("disdik", 30, 4, 4, "throttled")
    assert dinkes == {"slug": "dinkes", "interface": "eth1", "prefixes": ["10.78.2.0/24"], "prio": 2,
                      "rate_down_mbps": 5, "ceil_down_mbps": 20, "rate_up_mbps": 2, "ceil_up_mbps": 8,
                      "effective_rate_down_mbps": 5, "effective_ceil_down_mbps": 20, "effective_rate_up_mbps": 2,
                      "effective_ceil_up_mbps": 8, "limited_by": None}
    assert 'local-zone: "judi.example." always_nxdomain' in found["egov_filter"]
    assert live_netbox.call(netbox.gateway_ids) == [gateway]


def test_an_unchanged_filter_costs_a_304_and_the_cached_body_is_used(regency, read_only_token, live_netbox,
                                                                    tmp_path):
    regency.quota("disdik")
    regency.block("judi.example")
    netbox = NetBox(live_netbox.url, read_only_token, cache_dir=tmp_path)
    gateway = regency.devices["gw-test"].pk
    first = live_netbox.call(netbox.compiled_filter, gateway)
    again = live_netbox.call(netbox.compiled_filter, gateway)
    assert (first.unchanged, again.unchanged, again.text, again.etag) == (False, True, first.text, first.etag)
    regency.block("taruhan.example")
    changed = live_netbox.call(netbox.compiled_filter, gateway)
    assert not changed.unchanged and "taruhan.example" in changed.text


def test_a_quota_without_an_enforcement_interface_is_named(regency, read_only_token, live_netbox, tmp_path):
    regency.quota("disdik").__class__.objects.filter(tenant__slug="disdik").update(enforcement_interface=None)
    netbox = NetBox(live_netbox.url, read_only_token, cache_dir=tmp_path)
    with pytest.raises(NetBoxError, match="agency disdik .* names no enforcement interface"):
        live_netbox.call(gateway_vars, netbox, regency.devices["gw-test"].pk)


# The inventory.


def test_the_inventory_holds_the_gateways_that_enforce_a_quota_grouped_by_platform(regency, read_only_token,
                                                                                   live_netbox, tmp_path):
    regency.quota("disdik")
    regency.quota("dinkes", device="gw-ros")
    environment = {**runner.ansible_environment(PLAYBOOKS), **netbox_environment(live_netbox, read_only_token,
                                                                                   tmp_path)}
    listed = live_netbox.call(subprocess.run, [str(Path(sys.executable).parent / "ansible-inventory"), "-i",
                                               str(NETBOX_INVENTORY), "--list"], capture_output=True, text=True,
                              cwd=PLAYBOOKS, env=environment)
    inventory = json.loads(listed.stdout)
    assert sorted(inventory.get("egov_gateways", {}).get("hosts", [])) == ["gw-ros", "gw-test"], listed.stderr
    assert "gw-test" in inventory["platforms_linux"]["hosts"]
    assert inventory["platforms_routeros"]["hosts"] == ["gw-ros"]
    host = inventory["_meta"]["hostvars"]["gw-test"]
    address = host["ansible_host"]  # ansible-inventory marks text that came from NetBox as unsafe
    assert (host["egov_device_id"], address.get("__ansible_unsafe", address)) == (regency.devices["gw-test"].pk,
                                                                                 GATEWAY_SSH[0])


# Pushing from NetBox to the real gateway.


def push(gateway, live, token, cache, mode="apply"):
    connection = gateway.inventory("gw-test")  # how to reach it; what to enforce comes from NetBox
    envvars = netbox_environment(live, token, cache)
    return live.call(runner.run, mode, [NETBOX_INVENTORY, connection], envvars=envvars)


def assert_near(measured, ceiling):
    mbps, payload_share = measured
    expected = ceiling * payload_share
    assert abs(mbps - expected) <= 0.05 * expected, f"{mbps:.2f} Mbit/s measured, {expected:.2f} expected"


def test_a_push_from_netbox_enforces_filters_and_throttles_over_the_cap(regency, read_only_token, live_netbox,
                                                                         gateway, tmp_path):
    regency.quota("disdik", ceiling_down_mbps=10, ceiling_up_mbps=10, cap_action="throttle", monthly_cap_gb=1,
                  throttled_ceiling_mbps=4)
    regency.quota("dinkes", ceiling_down_mbps=20, ceiling_up_mbps=20)
    regency.block("blocked.egov.test")
    result = push(gateway, live_netbox, read_only_token, tmp_path)
    assert result.hosts["gw-test"].status == "changed", result.log
    assert read_only_token not in result.log + result.diff
    assert_near(gateway.rate(AGENCY_A, download=True), 10)
    assert_near(gateway.rate(AGENCY_B, download=False), 20)
    assert gateway.resolve("www.blocked.egov.test") == ("NXDOMAIN", [])
    assert gateway.resolve("allowed.egov.test") == ("NOERROR", ["10.78.9.2"])

    regency.month_usage("disdik", 2)  # the collectors report 2 GB this month: over the 1 GB cap
    preview = push(gateway, live_netbox, read_only_token, tmp_path, mode="preview")
    assert "+class htb 1:11 parent 1:1 prio 3 rate 4Mbit ceil 4Mbit" in preview.diff
    assert_near(gateway.rate(AGENCY_A, download=True), 10)  # a preview changes nothing
    result = push(gateway, live_netbox, read_only_token, tmp_path)
    assert result.hosts["gw-test"].status == "changed", result.log
    assert_near(gateway.rate(AGENCY_A, download=True), 4)
    assert_near(gateway.rate(AGENCY_A, download=False), 4)
    assert_near(gateway.rate(AGENCY_B, download=True), 20)  # the other agency keeps its ceiling

    again = push(gateway, live_netbox, read_only_token, tmp_path)
    assert (again.hosts["gw-test"].status, again.hosts["gw-test"].changed) == ("ok", 0), again.log


def test_plain_ansible_playbook_runs_the_same_push(regency, read_only_token, live_netbox, gateway, tmp_path):
    """What an engineer types in playbooks/: ansible.cfg is read from there, the data comes from NetBox."""
    regency.quota("disdik", ceiling_down_mbps=10, ceiling_up_mbps=10)
    venv_bin = Path(sys.executable).parent
    environment = {**os.environ, **netbox_environment(live_netbox, read_only_token, tmp_path),
                   "PATH": f"{venv_bin}{os.pathsep}{os.environ['PATH']}", "ANSIBLE_NOCOLOR": "1"}
    command = [str(venv_bin / "ansible-playbook"), "-i", "inventory/netbox.yml", "-i",
               str(gateway.inventory("gw-test")), "site.yml"]
    for options, changed in ((["--check", "--diff"], True), ([], True), (["--check"], False)):
        done = live_netbox.call(subprocess.run, command + options, cwd=PLAYBOOKS, env=environment,
                                capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        recap = done.stdout[done.stdout.index("PLAY RECAP"):]
        assert ("changed=0" not in recap) is changed, recap
