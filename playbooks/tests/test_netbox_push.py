"""Enforcement from NetBox's data: quotas, usage and filter policies made through the ORM in the test database,
served by the stack's NetBox (``live_netbox``), read with a read-only token by nb_inventory (inventory/netbox.yml)
and the egov_gateway lookup, pushed to the real gateway of tests/gateway_peers.py over SSH.

Needs NetBox: ``NETBOX_ROOT=<checkout>/.state/netbox EGOV_TESTING=1`` (and root, for the namespaces).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.gateway_peers import AGENCY_A, AGENCY_B, GATEWAY_SSH
from tests.netbox_regency import netbox_environment, skip_without_netbox

from egov_push import runner
from egov_push.netbox import NetBox, NetBoxError, gateway_vars
from egov_push.runner import NETBOX_INVENTORY, PLAYBOOKS

skip_without_netbox()

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
    """What an engineer types in the project folder (egov_push/project): ansible.cfg is read from there, the data
    comes from NetBox."""
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
