"""The SNMP client against net-snmp's snmpd in a network namespace: counters that moved with real iperf3 traffic
match the kernel's, over SNMPv2c (lean codec and pysnmp) and SNMPv3 (SHA and SHA-256 with AES-128); wrong keys,
silent ports, garbage and deadlines give a clear error naming the device and never a secret."""

import dataclasses
import time

import pytest
from tests.snmp_peers import (
    AGENT_IP,
    BROKEN_PORT,
    DEAD_PORT,
    GARBAGE_PORT,
    LOOPING_PORT,
    SNMPD_CACHE_SECONDS,
    TOO_BIG_LIMIT,
    TOO_BIG_PORT,
)

from egov_collectors.model import Credential, Target
from egov_collectors.snmp import SnmpClient, poll_device

PACKETS_SINCE_CACHE = 100  # SNMP requests and answers of the polls after snmpd filled its cache, ARP


def _target(device: str, version: str = "2c", **options) -> Target:
    return Target(device=device, host=AGENT_IP, credential="lab", version=version, **options)


def _poll(lab, target: Target, credential: Credential, *, deadline: float | None = 10, lean_v2c: bool = True):
    async def poll():
        async with SnmpClient(lean_v2c=lean_v2c) as client:
            return await poll_device(target, credential, deadline=deadline, client=client)

    return lab.run(poll)


@pytest.fixture(scope="module")
def after_traffic(snmp_lab, snmpd):
    """40 MB towards the agent and 20 MB back through the veth, then snmpd's interface cache has expired."""
    snmp_lab.iperf3(40)
    snmp_lab.iperf3(20, reverse=True)
    time.sleep(SNMPD_CACHE_SECONDS)


PATHS = {
    "v2c-lean": ("2c", "community", True),
    "v2c-pysnmp": ("2c", "community", False),
    "v3-sha-aes": ("3", "sha", True),
    "v3-sha256-aes": ("3", "sha256", True),
}


@pytest.mark.parametrize("path", PATHS)
def test_veth_octets_match_the_kernel_within_one_percent(snmp_lab, snmpd, after_traffic, path):
    version, credential_name, lean = PATHS[path]
    poll = _poll(snmp_lab, _target(path, version), getattr(snmpd, credential_name), lean_v2c=lean)
    kernel = snmp_lab.link_stats()

    assert poll.ok, poll.error
    assert poll.sys_name == snmpd.sys_name
    assert poll.sys_uptime_cs > 0
    [veth] = [interface for interface in poll.interfaces if interface.name == snmp_lab.agent_link]
    assert veth.index == kernel["ifindex"]
    assert veth.counter_bits == 64
    assert (veth.oper_status, veth.admin_status) == (1, 1)
    assert veth.speed_bps == 10_000_000_000  # veth says 10 Gbit/s
    received, sent = kernel["stats64"]["rx"], kernel["stats64"]["tx"]
    assert received["bytes"] > 30_000_000 and sent["bytes"] > 15_000_000  # iperf3's receiver counts a bit less
    assert veth.in_octets == pytest.approx(received["bytes"], rel=0.01)
    assert veth.out_octets == pytest.approx(sent["bytes"], rel=0.01)
    # Packets are few (veth passes 64 KB TCP segments whole), so the SNMP packets sent since snmpd filled its cache
    # weigh more than 1%: compare by count.
    assert 0 <= received["packets"] - veth.in_ucast_packets <= PACKETS_SINCE_CACHE
    assert 0 <= sent["packets"] - veth.out_ucast_packets <= PACKETS_SINCE_CACHE
    assert (veth.in_errors, veth.out_errors, veth.in_discards, veth.out_discards) == (0, 0, 0, 0)
    assert {interface.name for interface in poll.interfaces} == {"lo", snmp_lab.agent_link}
    assert poll.values == 2 + 13 * 2  # sysUpTime, sysName, 13 walked columns of 2 interfaces, no fallback
    assert poll.queues == ()


@pytest.mark.parametrize("user", ["sha", "sha256"])
def test_wrong_v3_auth_key_is_an_authentication_error_without_the_key(snmp_lab, snmpd, user):
    credential = dataclasses.replace(getattr(snmpd, user), auth_key="not-the-right-key")
    poll = _poll(snmp_lab, _target("gw-1", "3"), credential)

    assert not poll.ok
    assert poll.error == (
        f"gw-1: authentication failed for user {credential.user} at {AGENT_IP}:161: "
        "the agent reports a wrong digest (check the auth key and auth protocol)"
    )
    assert poll.interfaces == () and poll.sys_name == ""


def test_unknown_v3_user_is_an_authentication_error(snmp_lab, snmpd):
    credential = dataclasses.replace(snmpd.sha, user="nobody-here")
    poll = _poll(snmp_lab, _target("gw-2", "3"), credential)

    assert poll.error == (
        f"gw-2: authentication failed for user nobody-here at {AGENT_IP}:161: the agent does not know this user"
    )


def test_wrong_v3_privacy_key_is_no_answer_with_a_hint(snmp_lab, snmpd):
    """net-snmp drops what it cannot decrypt without a Report: the client can only say nothing came back."""
    credential = dataclasses.replace(snmpd.sha, priv_key="not-the-right-key")
    poll = _poll(snmp_lab, _target("gw-3", "3", timeout=0.5, retries=0), credential)

    assert poll.error.startswith(f"gw-3: no answer from {AGENT_IP}:161 within 0.5 s (for SNMPv3 a wrong privacy key")


@pytest.mark.parametrize("version", ["2c", "3"])
def test_dead_port_is_a_timeout_within_the_deadline(snmp_lab, snmpd, version):
    credential = snmpd.community if version == "2c" else snmpd.sha256
    target = _target("dead-1", version, port=DEAD_PORT, timeout=0.4, retries=1)
    started = time.monotonic()
    poll = _poll(snmp_lab, target, credential, deadline=3)

    assert time.monotonic() - started < 3
    assert not poll.ok
    assert poll.error.startswith(f"dead-1: no answer from {AGENT_IP}:{DEAD_PORT} within 0.8 s")
    assert 0.8 <= poll.duration < 3


@pytest.mark.parametrize("version", ["2c", "3"])
def test_a_name_that_does_not_resolve_is_an_error_not_an_exception(snmp_lab, snmpd, version):
    credential = snmpd.community if version == "2c" else snmpd.sha
    target = Target(device="gw-x", host="gw-x.invalid", credential="lab", version=version, timeout=0.3, retries=0)
    poll = _poll(snmp_lab, target, credential)

    assert not poll.ok
    assert poll.error.startswith("gw-x: cannot send to gw-x.invalid:161: ")


def test_no_route_is_an_error_not_an_exception(snmp_lab, snmpd):
    """The poller's namespace has no route to 192.0.2.0/24 (TEST-NET-1)."""
    target = Target(device="gw-y", host="192.0.2.1", credential="lab", timeout=0.3, retries=0)
    poll = _poll(snmp_lab, target, snmpd.community)

    assert poll.error == "gw-y: cannot send to 192.0.2.1:161: Network is unreachable"


def test_wrong_community_is_no_answer(snmp_lab, snmpd):
    """An SNMPv2c agent does not answer an unknown community at all."""
    poll = _poll(snmp_lab, _target("gw-4", timeout=0.3, retries=0), Credential("other", community="not-this-one"))

    assert poll.error == f"gw-4: no answer from {AGENT_IP}:161 within 0.3 s"


@pytest.mark.parametrize("version", ["2c", "3"])
def test_deadline_ends_a_poll_that_would_wait_longer(snmp_lab, snmpd, version):
    credential = snmpd.community if version == "2c" else snmpd.sha
    target = _target("slow-1", version, port=DEAD_PORT, timeout=5, retries=3)
    poll = _poll(snmp_lab, target, credential, deadline=0.5)

    assert poll.error == f"slow-1: deadline of 0.5 s exceeded while polling {AGENT_IP}:{DEAD_PORT}"
    assert 0.5 <= poll.duration < 1.5


def test_text_instead_of_snmp_is_a_malformed_answer(snmp_lab, bad_agents):
    poll = _poll(snmp_lab, _target("junk-1", port=GARBAGE_PORT, timeout=0.3, retries=1), Credential("c", community="x"))

    assert poll.error == (
        f"junk-1: {AGENT_IP}:{GARBAGE_PORT} answered, but not with an SNMPv2c response: "
        "expected the message SEQUENCE (tag 0x30), got tag 0x48 (28 bytes)"
    )


def test_cut_short_response_is_a_malformed_answer(snmp_lab, bad_agents):
    poll = _poll(snmp_lab, _target("junk-2", port=BROKEN_PORT, timeout=0.3, retries=1), Credential("c", community="x"))

    assert poll.error == (
        f"junk-2: {AGENT_IP}:{BROKEN_PORT} answered, but not with an SNMPv2c response: "
        "a length of 16 overruns its container (29 bytes)"
    )


@pytest.mark.parametrize("backend", ["lean", "pysnmp"])
def test_an_agent_that_says_too_big_gets_smaller_requests(snmp_lab, bad_agents, backend):
    """13 columns x 4 repetitions is more than this agent's limit: the walk halves the repetitions until it fits."""
    target = _target("old-1", port=TOO_BIG_PORT, timeout=0.5, retries=0)
    poll = _poll(snmp_lab, target, Credential("c", community="x"), lean_v2c=backend == "lean")

    assert poll.ok, poll.error
    assert 13 * 1 <= TOO_BIG_LIMIT < 13 * 2
    assert [(interface.name, interface.counter_bits, interface.in_octets) for interface in poll.interfaces] == [
        ("if1", 64, 2**40 + 6),
        ("if2", 64, 2 * 2**40 + 6),
        ("if3", 64, 3 * 2**40 + 6),
    ]
    assert (poll.sys_name, poll.sys_uptime_cs) == ("scripted", 4242)


@pytest.mark.parametrize("backend", ["lean", "pysnmp"])
def test_an_agent_that_loops_is_stopped(snmp_lab, bad_agents, backend):
    target = _target("loop-1", port=LOOPING_PORT, timeout=0.5, retries=0)
    poll = _poll(snmp_lab, target, Credential("c", community="x"), lean_v2c=backend == "lean")

    assert poll.error == (
        "loop-1: the agent returned 1.3.6.1.2.1.31.1.1.1.1 after 1.3.6.1.2.1.31.1.1.1.1 (OIDs must increase)"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"auth_protocol": "SHA3"}, "credential lab-sha: auth_protocol 'SHA3' is not one of MD5, SHA, SHA1, SHA224"),
        ({"priv_protocol": "BLOWFISH"}, "credential lab-sha: priv_protocol 'BLOWFISH' is not one of AES, AES128"),
        ({"auth_protocol": None}, "credential lab-sha has a key but no auth_protocol"),
        ({"priv_key": None}, "credential lab-sha has a priv_protocol but no priv_key"),
        ({"user": None}, "credential lab-sha has no user for SNMPv3"),
        ({"auth_key": "short"}, "credential lab-sha: auth_key is shorter than 8 characters"),
    ],
)
def test_unusable_v3_credential_names_the_field_not_the_secret(snmp_lab, snmpd, change, message):
    credential = dataclasses.replace(snmpd.sha, **change)
    poll = _poll(snmp_lab, _target("gw-5", "3"), credential)

    assert not poll.ok
    assert poll.error.startswith(f"gw-5: {message}")
    assert snmpd.sha.auth_key not in poll.error and snmpd.sha.priv_key not in poll.error


def test_unknown_snmp_version_names_the_field(snmp_lab, snmpd):
    poll = _poll(snmp_lab, _target("gw-7", "1"), snmpd.community)

    assert poll.error == "gw-7: version '1' is not '2c' or '3'"


def test_v2c_credential_without_community(snmp_lab, snmpd):
    poll = _poll(snmp_lab, _target("gw-6"), snmpd.sha)

    assert poll.error == "gw-6: credential lab-sha has no community for SNMPv2c"
