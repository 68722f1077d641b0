"""The SNMP client against snmpsim: every recording of snmpsim-data (real devices of many vendors) polls and gives
back what was recorded; this directory's recordings give the hard cases (counters at the edge of their width, a
wrapping Counter32, sysUpTime going back, no ifXTable, invalid UTF-8, a MikroTik queue table). The arithmetic of
deltas is ``counters``'; here the client must return the raw values and the right counter width.

A recording without IF-MIB (UPSes, cameras, sensors) polls as ``ok`` with no interfaces: the agent answered
correctly, it just has nothing to count, and an error would make a healthy device look down.
"""

import asyncio

import pytest
from tests.snmp_peers import AGENT_IP

from egov_collectors.model import Credential, Target
from egov_collectors.snmp import SnmpClient, oids, poll_device
from egov_collectors.snmp.values import as_text

V2C_BACKENDS = {"lean": True, "pysnmp": False}


def _target(snmpsim, community: str, **options) -> Target:
    return Target(device=community, host=AGENT_IP, port=snmpsim.ports[community], credential=community, **options)


def _poll(lab, snmpsim, community: str, *, lean_v2c: bool = True, **options):
    async def poll():
        async with SnmpClient(lean_v2c=lean_v2c) as client:
            return await poll_device(
                _target(snmpsim, community, **options),
                Credential(community, community=community),
                deadline=10,
                client=client,
            )

    return lab.run(poll)


# snmpsim-data ------------------------------------------------------------------------------------------------------

_INTEGER_TAGS = {"2", "65", "66", "67", "70"}


def _recorded(path) -> dict[tuple[int, ...], tuple[str, str]]:
    """OID -> (tag, value) of a recording's lines ("OID|tag|value"; variated values have a "tag:module" tag)."""
    records = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        parts = line.split("|", 2)
        if len(parts) == 3 and parts[0][:1].isdigit():
            records[tuple(map(int, parts[0].split(".")))] = (parts[1], parts[2])
    return records


def _recorded_text(tag: str, value: str) -> str | None:
    if tag == "4x":
        return as_text(bytes.fromhex(value))
    if tag == "4" and value.isascii():
        return value
    return None  # escaped or variated: not compared


def _expected(path) -> dict:
    """What a poll must return for a recording: sysName, the ifIndexes, per ifIndex its counter width and the
    static octet counters."""
    records = _recorded(path)
    columns = {column: {} for column in oids.INTERFACE_COLUMNS + (oids.IF_IN_OCTETS, oids.IF_OUT_OCTETS)}
    for oid, (tag, value) in records.items():
        column, index = oid[:-1], oid[-1]
        if column in columns:
            columns[column][index] = (tag, value)
    indexes = set().union(*(columns[column] for column in oids.INTERFACE_COLUMNS))

    def integer(column, index):
        tag, value = columns[column].get(index, ("", ""))
        return int(value) if tag in _INTEGER_TAGS else None

    def is_integer(column, index):
        return columns[column].get(index, ("", ""))[0].split(":")[0] in _INTEGER_TAGS

    interfaces = {}
    for index in indexes:
        hc = is_integer(oids.IF_HC_IN_OCTETS, index) and is_integer(oids.IF_HC_OUT_OCTETS, index)
        interfaces[index] = {
            "counter_bits": 64 if hc else 32,
            "in_octets": integer(oids.IF_HC_IN_OCTETS if hc else oids.IF_IN_OCTETS, index),
            "out_octets": integer(oids.IF_HC_OUT_OCTETS if hc else oids.IF_OUT_OCTETS, index),
        }
    sys_name = records.get(oids.SYS_NAME)
    return {"sys_name": _recorded_text(*sys_name) if sys_name else "", "interfaces": interfaces}


@pytest.mark.slow
def test_every_snmpsim_data_recording_polls_and_returns_what_it_recorded(snmp_lab, snmpsim):
    communities = sorted(community for community, port in snmpsim.ports.items() if port != max(snmpsim.ports.values()))
    assert len(communities) == 116

    async def poll_all():
        limit = asyncio.Semaphore(6)  # three per snmpsim process: they are the bottleneck, not the client

        async def poll(client, community):
            async with limit:
                target = _target(snmpsim, community, timeout=10, retries=0)
                return await poll_device(target, Credential(community, community=community), client=client)

        async with SnmpClient() as client:
            return await asyncio.gather(*(poll(client, community) for community in communities))

    polls = dict(zip(communities, snmp_lab.run(poll_all), strict=True))

    assert [poll.error for poll in polls.values() if not poll.ok] == []
    for community, poll in polls.items():
        shard = "shard-0" if snmpsim.ports[community] == min(snmpsim.ports.values()) else "shard-1"
        expected = _expected(snmpsim.extract / shard / f"{community}.snmprec")
        if expected["sys_name"] is not None:
            assert poll.sys_name == expected["sys_name"], community
        got = {
            interface.index: {key: getattr(interface, key) for key in ("counter_bits", "in_octets", "out_octets")}
            for interface in poll.interfaces
        }
        assert got.keys() == expected["interfaces"].keys(), community
        for index, interface in expected["interfaces"].items():
            assert got[index]["counter_bits"] == interface["counter_bits"], (community, index)
            for counter in ("in_octets", "out_octets"):
                if interface[counter] is not None:
                    assert got[index][counter] == interface[counter], (community, index, counter)
    # The shipped recordings cover both widths and the no-IF-MIB case.
    widths = {interface.counter_bits for poll in polls.values() for interface in poll.interfaces}
    assert widths == {32, 64}
    assert sum(not poll.interfaces for poll in polls.values()) > 10
    assert sum(poll.values for poll in polls.values()) > 100_000


# Hand-made recordings ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", V2C_BACKENDS)
def test_counter64_at_the_edge_of_its_width_comes_back_exactly(snmp_lab, snmpsim, backend):
    poll = _poll(snmp_lab, snmpsim, "counter64-wrap", lean_v2c=V2C_BACKENDS[backend])

    assert poll.ok, poll.error
    first, second = poll.interfaces
    assert (first.counter_bits, first.in_octets, first.out_octets) == (64, 2**64 - 1, 2**64 - 16)
    assert (second.counter_bits, second.in_octets, second.out_octets) == (64, 2**63, 0)
    assert (first.in_ucast_packets, first.out_ucast_packets) == (10000, 20000)
    assert (first.speed_bps, second.speed_bps) == (1_000_000_000, 10_000_000_000)
    assert (first.in_discards, first.in_errors, first.out_discards, first.out_errors) == (3, 4, 5, 6)
    assert poll.values == 2 + 13 * 2  # no fallback read: the HC counters are there


def _polls_until(lab, snmpsim, community: str, decreased, polls: int = 25):
    """Poll every 0.3 s until ``decreased(previous, current)``; return (previous, current)."""

    async def poll_until():
        async with SnmpClient() as client:
            target, credential = _target(snmpsim, community), Credential(community, community=community)
            previous = await poll_device(target, credential, client=client)
            for _ in range(polls):
                await asyncio.sleep(0.3)
                current = await poll_device(target, credential, client=client)
                if decreased(previous, current):
                    return previous, current
                previous = current
            raise AssertionError(f"{community}: no decrease seen in {polls} polls")

    return lab.run(poll_until)


def test_counter32_that_wraps_between_two_reads_comes_back_raw(snmp_lab, snmpsim):
    before, after = _polls_until(
        snmp_lab, snmpsim, "counter32-wrap", lambda a, b: b.interfaces[0].in_octets < a.interfaces[0].in_octets
    )

    for poll in (before, after):
        [wan] = poll.interfaces
        assert (wan.name, wan.counter_bits, wan.out_octets) == ("wan0", 32, 2**32 - 1)
        assert 0 <= wan.in_octets < 2**32
    assert before.interfaces[0].in_octets > after.interfaces[0].in_octets


def test_sys_uptime_going_back_comes_back_raw(snmp_lab, snmpsim):
    before, after = _polls_until(snmp_lab, snmpsim, "uptime-back", lambda a, b: b.sys_uptime_cs < a.sys_uptime_cs)

    assert 0 <= after.sys_uptime_cs < before.sys_uptime_cs <= 100
    assert before.interfaces == after.interfaces


@pytest.mark.parametrize("backend", V2C_BACKENDS)
def test_agent_without_ifxtable_falls_back_to_32_bit_counters(snmp_lab, snmpsim, backend):
    poll = _poll(snmp_lab, snmpsim, "no-ifxtable", lean_v2c=V2C_BACKENDS[backend])

    fast, serial = poll.interfaces
    assert (fast.name, fast.speed_bps, fast.counter_bits, fast.in_octets, fast.out_octets) == (
        "FastEthernet0/1",
        100_000_000,
        32,
        123,
        456,
    )
    assert (serial.name, serial.speed_bps, serial.counter_bits, serial.in_octets, serial.out_octets) == (
        "Serial0/0",
        64_000,
        32,
        789,
        1011,
    )
    assert (fast.in_ucast_packets, fast.out_ucast_packets, fast.alias) == (1000, 2000, "")
    assert (fast.oper_status, serial.oper_status) == (1, 2)
    assert poll.values == 2 + 6 * 2 + 6 * 2  # system, the ifTable columns walked, the fallbacks read


@pytest.mark.parametrize("backend", V2C_BACKENDS)
def test_fallback_is_per_interface(snmp_lab, snmpsim, backend):
    poll = _poll(snmp_lab, snmpsim, "mixed-hc", lean_v2c=V2C_BACKENDS[backend])

    gigabit, vlan = poll.interfaces
    assert (gigabit.counter_bits, gigabit.in_octets, gigabit.out_octets) == (64, 2**40, 2**41)
    assert (vlan.counter_bits, vlan.in_octets, vlan.out_octets) == (32, 21, 22)
    assert (vlan.name, vlan.alias, vlan.speed_bps) == ("Vl20", "mgmt", 1_000_000_000)  # ifHighSpeed 0: ifSpeed


@pytest.mark.parametrize("backend", V2C_BACKENDS)
def test_invalid_utf8_is_replaced_not_fatal(snmp_lab, snmpsim, backend):
    poll = _poll(snmp_lab, snmpsim, "bad-utf8", lean_v2c=V2C_BACKENDS[backend])

    assert poll.ok, poll.error
    assert poll.sys_name == "Klaten-\ufffdrter"
    assert [interface.alias for interface in poll.interfaces] == [
        "Dinas Kominfo\ufffd \ufffd(",
        "Kominfo \u2014 Pemkab",
    ]


@pytest.mark.parametrize("backend", V2C_BACKENDS)
def test_mikrotik_simple_queues_are_read_on_routeros_only(snmp_lab, snmpsim, backend):
    routeros = _poll(snmp_lab, snmpsim, "mikrotik", lean_v2c=V2C_BACKENDS[backend], platform="routeros")
    other = _poll(snmp_lab, snmpsim, "mikrotik", lean_v2c=V2C_BACKENDS[backend], platform="ios")

    assert [(queue.index, queue.name, queue.bytes_in, queue.bytes_out) for queue in routeros.queues] == [
        (1, "egov-dinkes", 1111111111, 2222222222),
        (2, "egov-disdik", 2**64 - 2, 5),
        (3, "default-small", 0, 0),
    ]
    assert routeros.values == other.values + 9
    assert other.queues == ()
    assert routeros.interfaces == other.interfaces
    assert routeros.sys_name == "gw-dinkes"
