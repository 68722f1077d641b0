"""poll_many against snmpd and a silent port: bounded concurrency, a deadline per device, dead devices backed off
and polled after the live ones, one poll per device, a credential that cannot be resolved failing only its device."""

import pytest
from tests.snmp_peers import AGENT_IP, DEAD_PORT

from egov_collectors.model import Target
from egov_collectors.snmp import Backoff, poll_many


def _live(name: str) -> Target:
    return Target(device=name, host=AGENT_IP, credential="lab")


def _dead(name: str, timeout: float = 0.3) -> Target:
    return Target(device=name, host=AGENT_IP, port=DEAD_PORT, credential="lab", timeout=timeout, retries=0)


def _cycle(lab, snmpd, targets, **options) -> list:
    credentials = {"lab": snmpd.community}

    async def collect():
        return [poll async for poll in poll_many(targets, credentials.__getitem__, **options)]

    return lab.run(collect)


def _most_at_once(polls) -> int:
    """The most polls that ran at the same time, from their start and end (shrunk by 10 ms against clock jitter)."""
    edges = []
    for poll in polls:
        edges += [(poll.polled_at - poll.duration + 0.01, 1), (poll.polled_at - 0.01, -1)]
    running = most = 0
    for _, change in sorted(edges):
        running += change
        most = max(most, running)
    return most


def test_concurrency_is_bounded(snmp_lab, snmpd):
    polls = _cycle(snmp_lab, snmpd, [_dead(f"dead-{n}") for n in range(6)], concurrency=2)

    assert len(polls) == 6 and not any(poll.ok for poll in polls)
    assert _most_at_once(polls) == 2


def test_a_dead_device_holds_one_worker_until_its_deadline_and_the_live_ones_go_on(snmp_lab, snmpd):
    targets = [_dead("dead-1", timeout=30)] + [_live(f"gw-{n}") for n in range(5)]

    polls = _cycle(snmp_lab, snmpd, targets, concurrency=2, deadline=1.0)

    assert [poll.device for poll in polls] == ["gw-0", "gw-1", "gw-2", "gw-3", "gw-4", "dead-1"]
    assert all(poll.ok for poll in polls[:5])
    assert polls[-1].error == f"dead-1: deadline of 1 s exceeded while polling {AGENT_IP}:{DEAD_PORT}"


def test_dead_devices_sit_out_cycles_and_are_polled_after_the_live_ones(snmp_lab, snmpd):
    backoff = Backoff()
    targets = [_dead("dead-1"), _live("gw-1"), _live("gw-2")]

    first = _cycle(snmp_lab, snmpd, targets, concurrency=1, backoff=backoff)
    second = _cycle(snmp_lab, snmpd, targets, concurrency=1, backoff=backoff)
    third = _cycle(snmp_lab, snmpd, targets, concurrency=1, backoff=backoff)

    assert [(poll.device, poll.ok) for poll in first] == [("dead-1", False), ("gw-1", True), ("gw-2", True)]
    assert [(poll.device, poll.ok) for poll in second] == [("dead-1", False), ("gw-1", True), ("gw-2", True)]
    assert second[0].error == "dead-1: not polled in this cycle after 1 failed polls in a row; next attempt in 1 cycle"
    assert second[0].duration == 0
    # Due again, but it failed before: the live devices go first.
    assert [poll.device for poll in third] == ["gw-1", "gw-2", "dead-1"]
    assert third[-1].error.startswith("dead-1: no answer")
    assert backoff.states["dead-1"].failures == 2


def test_every_device_is_polled_once_and_an_unknown_credential_fails_only_its_device(snmp_lab, snmpd):
    targets = [_live("gw-1"), _live("gw-1"), Target(device="gw-2", host=AGENT_IP, credential="missing"), _live("gw-3")]

    polls = sorted(_cycle(snmp_lab, snmpd, targets), key=lambda poll: poll.device)

    assert [(poll.device, poll.ok) for poll in polls] == [("gw-1", True), ("gw-2", False), ("gw-3", True)]
    assert polls[1].error == "gw-2: credential 'missing' cannot be resolved: 'missing'"


def test_concurrency_below_one_is_refused(snmp_lab, snmpd):
    with pytest.raises(ValueError, match="concurrency must be at least 1, not 0"):
        _cycle(snmp_lab, snmpd, [_live("gw-1")], concurrency=0)
