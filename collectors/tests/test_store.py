"""store: the exporter's data in a real Redis, one transaction per device, read back without polling."""

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from egov_collectors.accounting import KIND_NFT, AgencyCounters, Ledger
from egov_collectors.model import DevicePoll, InterfaceCounters, QueueCounters
from egov_collectors.periods import MONTH, PeriodKey
from egov_collectors.store import CollectorStore

COLLECTORS = Path(__file__).resolve().parents[1]
NOON = datetime(2026, 11, 27, 5, tzinfo=UTC).timestamp()  # 12:00 in Klaten


def interfaces(generation=1, count=3):
    return tuple(
        InterfaceCounters(index=i, name=f"ether{i}", alias=f"ke dinas {i}", oper_status=1, admin_status=1,
                          speed_bps=10**9, counter_bits=64, in_octets=generation * 1000 + i,
                          out_octets=2**64 - 1, in_errors=0)
        for i in range(1, count + 1)
    )


def good_poll(device="gw-disdik", at=NOON, generation=1, count=3):
    return DevicePoll(device=device, polled_at=at, duration=0.25, ok=True, sys_name="gw-disdik.klaten.go.id",
                      sys_uptime_cs=123456, values=40, interfaces=interfaces(generation, count),
                      queues=(QueueCounters(index=2, name="egov-disdik", bytes_in=5, bytes_out=2**63),))


def failed_poll(device="gw-disdik", at=NOON + 300):
    return DevicePoll(device=device, polled_at=at, duration=2.0, ok=False,
                      error="gw-disdik (192.0.2.1): no answer within 2.0 s")


@pytest.fixture
def store(redis_client):
    return CollectorStore(redis_client, ttl=900, agency_ttl=3600)


def test_a_poll_is_stored_under_the_documented_keys(store, redis_client):
    store.write_device(good_poll(), worker="worker-1:4242")
    assert sorted(k.decode() for k in redis_client.keys("*")) == [
        "egov:collector:device:gw-disdik:health",
        "egov:collector:device:gw-disdik:interfaces",
        "egov:collector:device:gw-disdik:queues",
        "egov:collector:devices",
    ]
    health = {k.decode(): v.decode() for k, v in redis_client.hgetall("egov:collector:device:gw-disdik:health").items()}
    assert health == {
        "device": "gw-disdik", "up": "1", "polled_at": repr(NOON), "duration_seconds": "0.25", "values": "40",
        "error": "", "sys_name": "gw-disdik.klaten.go.id", "sys_uptime_cs": "123456", "last_success": repr(NOON),
        "polls_total": "1", "worker": "worker-1:4242",
    }
    ether2 = json.loads(redis_client.hget("egov:collector:device:gw-disdik:interfaces", "2"))
    assert ether2["out_octets"] == 2**64 - 1 and ether2["in_octets"] == 1002 and ether2["counter_bits"] == 64
    for key in ("health", "interfaces", "queues"):
        assert 890 < redis_client.ttl(f"egov:collector:device:gw-disdik:{key}") <= 900
    assert redis_client.zscore("egov:collector:devices", "gw-disdik") == NOON
    assert 3590 < redis_client.ttl("egov:collector:devices") <= 3600


def test_read_gives_back_what_was_written(store):
    poll = good_poll()
    store.write_device(poll, worker="w1")
    [device] = store.read_all()
    assert (device.device, device.interfaces, device.queues) == ("gw-disdik", poll.interfaces, poll.queues)
    assert device.health.up and device.health.values == 40 and device.health.sys_uptime_cs == 123456
    assert device.health.last_success == NOON and device.health.last_error_at is None
    assert store.read_device("gw-disdik") == device
    assert store.read_device("nothing-here") is None


def test_a_failed_poll_keeps_the_last_success_and_drops_stale_counters(store):
    store.write_device(good_poll())
    store.write_device(failed_poll())
    health = store.read_device("gw-disdik").health
    assert (health.up, health.error, health.last_success) == (False, "gw-disdik (192.0.2.1): no answer within 2.0 s",
                                                              NOON)
    assert (health.last_error_at, health.polls_total, health.failures_total) == (NOON + 300, 2, 1)
    assert store.read_device("gw-disdik").interfaces == ()
    store.write_device(good_poll(at=NOON + 600))
    health = store.read_device("gw-disdik").health
    assert (health.up, health.error, health.last_success) == (True, "", NOON + 600)
    assert health.last_error == "gw-disdik (192.0.2.1): no answer within 2.0 s"  # still visible after recovery


def test_devices_not_written_within_the_ttl_are_left_out(store, redis_client):
    store.write_device(good_poll("old-switch", at=NOON - 1000))
    store.write_device(good_poll("gw-disdik", at=NOON))
    assert [d.device for d in store.read_all(now=NOON)] == ["gw-disdik"]
    assert redis_client.zscore("egov:collector:devices", "old-switch") is None  # pruned by the later write


def test_many_devices_are_read_in_chunks(store):
    names = [f"sw-{n:04d}" for n in range(1100)]
    for name in names:
        store.write_device(good_poll(name, count=2))
    devices = store.read_all(now=NOON)
    assert [d.device for d in devices] == names
    assert all(len(d.interfaces) == 2 for d in devices)


def test_discards_are_counted_across_writes(store):
    store.write_device(good_poll(), discards={"over-speed": 2})
    store.write_device(good_poll(at=NOON + 300), discards={"over-speed": 1, "discontinuity": 1})
    assert store.read_device("gw-disdik").discards == {"over-speed": 3, "discontinuity": 1}


def test_strings_that_are_not_utf8_are_kept_readable(store):
    garbled = "gw-\udcff\udcfe"  # bytes an agent sent, decoded with surrogateescape by the SNMP client
    poll = DevicePoll(device="gw-x", polled_at=NOON, duration=0.1, ok=False, sys_name=garbled, error=f"{garbled}: x",
                      interfaces=(InterfaceCounters(index=1, name="e1", alias=garbled),))
    store.write_device(poll)
    assert store.read_device("gw-x").health.sys_name == "gw-\\udcff\\udcfe"


def test_agencies_resume_from_the_store(store):
    ledger = Ledger()
    ledger.seed([], now=NOON, scope=[("disdik", "gw-disdik")])
    for step, value in enumerate((10**6, 3 * 10**6)):
        ledger.apply(AgencyCounters("disdik", "gw-disdik", KIND_NFT, "agency_disdik_down,agency_disdik_up",
                                    NOON + 300 * step, down=value, up=value // 2))
    store.write_device(good_poll(), agencies=[ledger.state("disdik", "gw-disdik")])

    # Another worker, another process: it resumes from the store and continues without a gap.
    resumed = Ledger()
    resumed.seed([], now=NOON, scope=[("disdik", "gw-disdik")])
    states = store.agency_states("gw-disdik")
    assert states["disdik"] == ledger.state("disdik", "gw-disdik")
    resumed.restore(states["disdik"])
    applied = resumed.apply(AgencyCounters("disdik", "gw-disdik", KIND_NFT, "agency_disdik_down,agency_disdik_up",
                                           NOON + 600, down=4 * 10**6, up=2 * 10**6))
    month = [i for i in applied.items if i["period"] == MONTH][0]
    assert (month["bytes_in"], month["bytes_out"], month["samples"]) == (3 * 10**6, 15 * 10**5, 2)
    assert store.read_device("gw-disdik").agencies[0].totals[PeriodKey(MONTH, date(2026, 11, 1))].bytes_in == 2 * 10**6


def test_the_agency_record_is_documented_json(store, redis_client):
    ledger = Ledger()
    ledger.seed([], now=NOON, scope=[("disdik", "gw-disdik")])
    ledger.apply(AgencyCounters("disdik", "gw-disdik", KIND_NFT, "agency_disdik_down,agency_disdik_up", NOON, 7, 3))
    ledger.apply(AgencyCounters("disdik", "gw-disdik", KIND_NFT, "agency_disdik_down,agency_disdik_up", NOON + 60,
                                9, 4))
    store.write_device(good_poll(), agencies=[ledger.state("disdik", "gw-disdik")])
    record = json.loads(redis_client.hget("egov:collector:device:gw-disdik:agencies", "disdik"))
    assert record == {
        "tenant": "disdik", "source": "gw-disdik", "known_since": "2026-10-01",
        "counters": {"tenant": "disdik", "device": "gw-disdik", "kind": "nft",
                     "counter": "agency_disdik_down,agency_disdik_up", "at": NOON + 60, "down": 9, "up": 4, "bits": 64,
                     "uptime_cs": None, "speed_bps": None},
        "totals": [
            {"period": "day", "period_start": "2026-11-27", "bytes_in": 2, "bytes_out": 1, "samples": 1,
             "observed_at": NOON + 60},
            {"period": "month", "period_start": "2026-11-01", "bytes_in": 2, "bytes_out": 1, "samples": 1,
             "observed_at": NOON + 60},
        ],
    }
    assert 3590 < redis_client.ttl("egov:collector:device:gw-disdik:agencies") <= 3600


WRITER = """
    import sys
    from egov_collectors.model import DevicePoll, InterfaceCounters
    from egov_collectors.store import CollectorStore
    store = CollectorStore.from_url(sys.argv[1])
    for generation in range(1, int(sys.argv[2]) + 1):
        interfaces = tuple(InterfaceCounters(index=i, name=f"e{i}", in_octets=generation) for i in range(1, 49))
        store.write_device(DevicePoll(device="core", polled_at=1.8e9 + generation, duration=0.1, ok=True,
                                      values=generation, interfaces=interfaces), worker="writer")
"""


def test_a_reader_never_sees_half_a_write(store, redis_url):
    env = dict(os.environ, PYTHONPATH=str(COLLECTORS))
    writer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(WRITER), redis_url, "1500"], env=env)
    seen = set()
    try:
        while writer.poll() is None:
            device = store.read_device("core")
            if device is None:
                continue
            generations = {i.in_octets for i in device.interfaces}
            assert generations == {device.health.values}, "interfaces and health from different writes"
            assert len(device.interfaces) == 48
            seen.add(device.health.values)
    finally:
        writer.wait(60)
    assert writer.returncode == 0
    assert len(seen) > 10, "the reader did not overlap the writer"


@pytest.mark.parametrize(("name", "value"), [("ttl", 0), ("agency_ttl", -5), ("ttl", 1.5)])
def test_bad_ttls_are_refused_by_name(redis_client, name, value):
    with pytest.raises(ValueError, match=f"{name} must be a positive number of seconds, got {value}"):
        CollectorStore(redis_client, **{name: value})
