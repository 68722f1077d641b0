"""The linux_gateway role on a real gateway (tests/gateway_peers.py), run through egov_push.runner over SSH with
the data as host variables: tc, nftables and unbound enforce it, measured with iperf3 and DNS queries from the
agencies' LAN. The tests run in order on one gateway: each starts from what the previous one installed.

Rates: iperf3 reports TCP payload; HTB limits whole Ethernet frames, of which the payload is mss/(mss + 66)
(about 95.6 %). A measurement is compared with the ceiling times that share, within 5 %.
"""

import json

import pytest
from tests.gateway_peers import AGENCY_A, AGENCY_B

from egov_push import runner

HOST = "gw-test"
LINK = {"name": "eth1", "ifb": "egovifb0", "down_mbps": 1000, "up_mbps": 1000}
FILTER = '# compiled for gateway gw-test\nlocal-zone: "blocked.egov.test." always_nxdomain\n'


def agency(slug, prefix, rate, ceil, prio=4, interface="eth1"):
    return {"slug": slug, "interface": interface, "prefixes": [prefix], "prio": prio,
            "rate_down_mbps": rate, "ceil_down_mbps": ceil, "rate_up_mbps": rate, "ceil_up_mbps": ceil}


def push(gateway, mode, agencies, link=LINK, egov_filter=None):
    inventory = gateway.inventory(HOST, egov_interfaces=[link], egov_agencies=agencies, egov_filter=egov_filter)
    return runner.run(mode, inventory)


def quotas(ceil_a, ceil_b=20):
    return [agency("disdik", "10.78.1.0/24", 5, ceil_a), agency("dinkes", "10.78.2.0/24", 5, ceil_b)]


def assert_near(measured, ceiling):
    mbps, payload_share = measured
    expected = ceiling * payload_share
    assert abs(mbps - expected) <= 0.05 * expected, f"{mbps:.2f} Mbit/s measured, {expected:.2f} expected"


def counters(gateway):
    answer = json.loads(gateway.in_gateway("nft", "-j", "list", "counters", "table", "inet", "egov"))
    return {item["counter"]["name"]: item["counter"]["bytes"] for item in answer["nftables"] if "counter" in item}


def installed(gateway):
    """What enforces now: the tables nft lists and eth1's qdiscs."""
    return gateway.in_gateway("nft", "list", "tables"), gateway.in_gateway("tc", "qdisc", "show", "dev", "eth1")


def test_check_mode_shows_the_diff_and_changes_nothing(gateway):
    gateway.reset()
    before = installed(gateway)
    result = push(gateway, "preview", quotas(10))
    host = result.hosts[HOST]
    assert host.status == "changed", result.log
    assert 'counter name "agency_disdik_down"' in result.diff
    assert "+class htb 1:11 parent 1:1 prio 3 rate 5Mbit ceil 10Mbit" in result.diff
    assert installed(gateway) == before
    assert "egov" not in before[0]


@pytest.mark.parametrize("ceiling", [10, 50])
def test_apply_enforces_the_ceiling_both_ways(gateway, ceiling):
    result = push(gateway, "apply", quotas(ceiling))
    assert result.hosts[HOST].status == "changed", result.log
    assert_near(gateway.rate(AGENCY_A, download=True), ceiling)
    assert_near(gateway.rate(AGENCY_A, download=False), ceiling)


def test_counters_named_for_the_collectors_count_and_survive_a_push(gateway):
    gateway.reset()
    assert push(gateway, "apply", quotas(50)).hosts[HOST].status == "changed"
    gateway.rate(AGENCY_A, download=True, seconds=2)
    counted = counters(gateway)
    assert set(counted) == {"agency_disdik_down", "agency_disdik_up", "agency_dinkes_down", "agency_dinkes_up"}
    # Megabytes went to agency A (and its ACKs came back), nothing through B.
    assert counted["agency_disdik_down"] > 10**6 and counted["agency_disdik_up"] > 10**4
    assert counted["agency_dinkes_down"] == counted["agency_dinkes_up"] == 0
    result = push(gateway, "apply", quotas(50, ceil_b=25))  # B changes: the table is swapped, A's totals stay
    assert result.hosts[HOST].status == "changed", result.log
    assert counters(gateway)["agency_disdik_down"] >= counted["agency_disdik_down"]


def test_a_second_run_changes_nothing(gateway):
    push(gateway, "apply", quotas(50, ceil_b=25), egov_filter=FILTER)
    result = push(gateway, "apply", quotas(50, ceil_b=25), egov_filter=FILTER)
    host = result.hosts[HOST]
    assert (host.status, host.changed, result.diff) == ("ok", 0, ""), result.log


def test_check_mode_after_apply_shows_only_what_changes(gateway):
    push(gateway, "apply", quotas(50, ceil_b=25))
    before = installed(gateway), counters(gateway)
    result = push(gateway, "preview", quotas(50, ceil_b=30))
    assert result.hosts[HOST].status == "changed"
    assert "+class htb 1:10 parent 1:1 prio 3 rate 5Mbit ceil 30Mbit" in result.diff
    assert "-class htb 1:10 parent 1:1 prio 3 rate 5Mbit ceil 25Mbit" in result.diff
    assert "table inet egov" not in result.diff  # the counting rules did not change
    assert (installed(gateway), counters(gateway)) == before


def test_two_agencies_each_get_their_guaranteed_rate_when_both_saturate(gateway):
    link = {**LINK, "down_mbps": 30, "up_mbps": 30}
    agencies = [agency("disdik", "10.78.1.0/24", 10, 30), agency("dinkes", "10.78.2.0/24", 20, 30)]
    assert push(gateway, "apply", agencies, link=link).hosts[HOST].status == "changed"
    for download in (True, False):
        a, b = gateway.measure(gateway.iperf3(AGENCY_A, download, port=5201),
                               gateway.iperf3(AGENCY_B, download, port=5202))
        assert_near(a, 10)
        assert_near(b, 20)


def test_the_filter_blocks_a_domain_and_leaves_others(gateway):
    push(gateway, "apply", quotas(10), egov_filter="# no policy in force\n")
    assert gateway.resolve("www.blocked.egov.test") == ("NOERROR", ["10.78.9.2"])
    result = push(gateway, "apply", quotas(10), egov_filter=FILTER)
    assert result.hosts[HOST].status == "changed", result.log
    assert "+local-zone: \"blocked.egov.test.\" always_nxdomain" in result.diff
    assert gateway.resolve("www.blocked.egov.test") == ("NXDOMAIN", [])
    assert gateway.resolve("allowed.egov.test") == ("NOERROR", ["10.78.9.2"])


@pytest.mark.parametrize(("broken", "reason"), [
    ({"prefixes": ["10.78.2.0/40"]}, "table inet egov does not validate"),
    ({"interface": "eth7"}, "interface eth7 does not exist on this gateway"),
    ({"ifb": "eth0"}, "eth0 exists on this gateway and is not an IFB device"),  # eth0 is the uplink
])
def test_a_push_that_fails_validation_leaves_the_old_quota_in_force(gateway, broken, reason):
    push(gateway, "apply", quotas(10), egov_filter=FILTER)
    before = installed(gateway), gateway.in_gateway("tc", "class", "show", "dev", "eth1")
    link = {**LINK, "name": broken.get("interface", "eth1"), "ifb": broken.pop("ifb", "egovifb0")}
    agencies = [agency("disdik", "10.78.1.0/24", 5, 50, interface=link["name"]),
                {**agency("dinkes", "10.78.2.0/24", 5, 20, interface=link["name"]), **broken}]
    result = push(gateway, "apply", agencies, link=link, egov_filter=FILTER)
    host = result.hosts[HOST]
    assert host.status == "failed"
    assert any(reason in message for message in host.messages), host.messages
    assert (installed(gateway), gateway.in_gateway("tc", "class", "show", "dev", "eth1")) == before
    assert_near(gateway.rate(AGENCY_A, download=True), 10)


def test_a_filter_unbound_refuses_leaves_the_old_filter_in_force(gateway):
    push(gateway, "apply", quotas(10), egov_filter=FILTER)
    result = push(gateway, "apply", quotas(10), egov_filter='local-zone: "casino.egov.test." no_such_type\n')
    host = result.hosts[HOST]
    assert host.status == "failed"
    assert any("unbound-checkconf refused it" in message for message in host.messages), host.messages
    assert gateway.resolve("www.blocked.egov.test") == ("NXDOMAIN", [])
    assert push(gateway, "apply", quotas(10), egov_filter=FILTER).hosts[HOST].status == "ok"


def test_ipv6_prefixes_are_shaped_and_counted_too(gateway):
    agencies = [{**agency("disdik", "10.78.1.0/24", 5, 10), "prefixes": ["10.78.1.0/24", "2001:db8:78::/48"]}]
    result = push(gateway, "preview", agencies, egov_filter=FILTER)
    assert result.hosts[HOST].status == "changed", result.log
    assert "+\t\tip6 daddr 2001:db8:78::/48 counter name \"agency_disdik_down\"" in result.diff
    assert "+filter parent 1: protocol ipv6 pref 2 u32" in result.diff
    assert "match 20010db8/ffffffff at 24" in result.diff  # the destination address, in the download tree


def test_secrets_handed_to_the_runner_never_appear_in_its_log_or_diff(gateway):
    secret = "nbt_K3y.s3cr3t-value"
    inventory = gateway.inventory(HOST, egov_interfaces=[LINK], egov_agencies=quotas(10),
                                  egov_filter=FILTER + f"# {secret}\n")
    result = runner.run("preview", inventory, envvars={"NETBOX_TOKEN": secret})
    assert result.hosts[HOST].status == "changed", result.log
    assert runner.MASK in result.diff
    assert secret not in result.log + result.diff


def test_a_gateway_that_does_not_answer_is_unreachable(gateway):
    inventory = gateway.inventory(HOST, egov_interfaces=[LINK], egov_agencies=quotas(10), ansible_port=2200)
    result = runner.run("preview", inventory)
    assert result.hosts[HOST].status == "unreachable"
    assert result.hosts[HOST].messages


def test_limit_pushes_to_the_gateways_named_only(gateway):
    inventory = gateway.inventory(HOST, egov_interfaces=[LINK], egov_agencies=quotas(10), egov_filter=None)
    assert runner.run("preview", inventory, limit="gw-other").hosts == {}
    assert set(runner.run("preview", inventory, limit=HOST).hosts) == {HOST}
