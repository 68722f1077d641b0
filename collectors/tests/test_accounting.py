"""accounting: the agency's source and directions, nft's counters, and running totals that survive restarts."""

import os
import random
import subprocess
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egov_collectors.accounting import (
    FACING_UPSTREAM,
    KIND_INTERFACE,
    KIND_NFT,
    KIND_QUEUE,
    AgencyCounters,
    AgencyState,
    Enforcement,
    Ledger,
    Totals,
    Unmeasured,
    UsageKey,
    nft_counter_names,
    parse_nft_counters,
    queue_name,
    select_source,
    usage_item,
    usage_row,
)
from egov_collectors.counters import Reason
from egov_collectors.model import DevicePoll, InterfaceCounters, QueueCounters
from egov_collectors.periods import DAY, MONTH, PeriodKey

GBPS = 10**9


def jakarta(*args):
    return datetime(*args, tzinfo=UTC).timestamp() - 7 * 3600


NOON = jakarta(2026, 11, 27, 12)


def poll(at=NOON, queues=(), interfaces=(), ok=True, uptime_s=100_000):
    return DevicePoll(device="gw-disdik", polled_at=at, duration=0.2, ok=ok, sys_uptime_cs=int(uptime_s * 100),
                      queues=tuple(queues), interfaces=tuple(interfaces))


def lan_port(in_octets=111, out_octets=999, bits=64):
    return InterfaceCounters(index=3, name="ether3", in_octets=in_octets, out_octets=out_octets, counter_bits=bits,
                             speed_bps=GBPS)


DISDIK = Enforcement(tenant="disdik", device="gw-disdik", interface="ether3", interface_is_agency_own=True)


class TestSource:
    def test_a_simple_queue_comes_first_and_its_out_is_the_agency_download(self):
        queue = QueueCounters(index=7, name="egov-disdik", bytes_in=500, bytes_out=8000)
        nft = {"agency_disdik_down": (1, 2), "agency_disdik_up": (3, 4)}
        counters = select_source(DISDIK, poll(queues=[queue], interfaces=[lan_port()]), nft, NOON)
        assert (counters.kind, counters.counter, counters.down, counters.up) == (KIND_QUEUE, "egov-disdik", 8000, 500)
        assert (counters.at, counters.uptime_cs, counters.bits) == (NOON, 10_000_000, 64)

    def test_nftables_counters_come_next(self):
        other_queue = QueueCounters(index=1, name="egov-dinkes", bytes_in=1, bytes_out=1)
        nft = {"agency_disdik_down": (10, 7000), "agency_disdik_up": (5, 300)}
        counters = select_source(DISDIK, poll(queues=[other_queue], interfaces=[lan_port()]), nft, NOON + 1)
        assert (counters.kind, counters.counter) == (KIND_NFT, "agency_disdik_down,agency_disdik_up")
        assert (counters.down, counters.up, counters.at, counters.uptime_cs) == (7000, 300, NOON + 1, None)

    def test_an_interface_facing_the_agency_sends_its_downloads(self):
        counters = select_source(DISDIK, poll(interfaces=[lan_port(in_octets=111, out_octets=999, bits=32)]))
        assert (counters.kind, counters.down, counters.up) == (KIND_INTERFACE, 999, 111)
        assert (counters.bits, counters.speed_bps) == (32, GBPS)

    def test_an_interface_on_the_agency_uplink_receives_its_downloads(self):
        uplink = Enforcement("disdik", "gw-disdik", "ether3", interface_is_agency_own=True, facing=FACING_UPSTREAM)
        counters = select_source(uplink, poll(interfaces=[lan_port(in_octets=111, out_octets=999)]))
        assert (counters.down, counters.up) == (111, 999)

    def test_a_shared_interface_measures_nobody(self):
        shared = Enforcement("disdik", "gw-disdik", "ether3", interface_is_agency_own=False)
        answer = select_source(shared, poll(interfaces=[lan_port()]), {"agency_disdik_down": (1, 1)}, NOON)
        assert answer == Unmeasured("disdik", "gw-disdik",
                                    "no simple queue egov-disdik; no nftables counters agency_disdik_down/"
                                    "agency_disdik_up in table inet egov; interface ether3 is not the agency's own")

    def test_a_failed_poll_says_so(self):
        answer = select_source(DISDIK, poll(ok=False, interfaces=[lan_port()]))
        assert isinstance(answer, Unmeasured)
        assert answer.reason == ("no simple queue egov-disdik (no SNMP answer); no nftables counters "
                                 "agency_disdik_down/agency_disdik_up in table inet egov (not read); "
                                 "no octet counters for interface ether3")

    def test_the_names_are_the_playbooks_contract(self):
        assert queue_name("disdik") == "egov-disdik"
        assert nft_counter_names("dinas-kominfo") == ("agency_dinas-kominfo_down", "agency_dinas-kominfo_up")

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"tenant": "", "device": "gw"}, "tenant must be an agency slug, got ''"),
            ({"tenant": "disdik", "device": ""}, "device must name the enforcement device of disdik"),
            ({"tenant": "disdik", "device": "gw", "facing": "lan"}, "facing must be 'agency' or 'upstream', got 'lan'"),
        ],
    )
    def test_bad_enforcement_names_the_field(self, kwargs, message):
        with pytest.raises(ValueError, match=message):
            Enforcement(**kwargs)


@pytest.fixture(scope="module")
def nft_namespace():
    """A network namespace with the egov table as the playbooks will install it, and a table of someone else."""
    name = f"egov{os.getpid()}acct"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        ruleset = """
table inet egov {
  counter agency_disdik_down {
  }
  counter agency_disdik_up {
    packets 12 bytes 3456
  }
  counter agency_dinas-kominfo_down {
    packets 1 bytes 18446744073709551615
  }
  counter agency_dinas-kominfo_up {
    packets 9223372036854775808 bytes 9223372036854775807
  }
}
table inet other {
  counter agency_disdik_down {
    packets 99 bytes 99
  }
}
"""
        subprocess.run(["ip", "netns", "exec", name, "nft", "-f", "-"], input=ruleset, text=True, check=True)
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], check=True)


def test_parse_real_nft_output(nft_namespace):
    output = subprocess.run(["ip", "netns", "exec", nft_namespace, "nft", "-j", "list", "counters", "table", "inet",
                             "egov"], capture_output=True, check=True).stdout
    assert parse_nft_counters(output) == {
        "agency_disdik_down": (0, 0),
        "agency_disdik_up": (12, 3456),
        "agency_dinas-kominfo_down": (1, 2**64 - 1),  # nft prints it as -1
        "agency_dinas-kominfo_up": (2**63, 2**63 - 1),
    }
    every_table = subprocess.run(["ip", "netns", "exec", nft_namespace, "nft", "-j", "list", "counters"],
                                 capture_output=True, check=True).stdout
    assert parse_nft_counters(every_table)["agency_disdik_down"] == (0, 0)
    assert parse_nft_counters(every_table, table="other") == {"agency_disdik_down": (99, 99)}


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("Error: No such file or directory", "nft output is not JSON"),
        ('{"counters": []}', "nft output has no 'nftables' list"),
        ('{"nftables": [{"counter": {"family": "inet", "table": "egov", "name": "agency_x_up", "packets": 1,'
         ' "bytes": "5"}}]}', "nft counter 'agency_x_up': bytes must be a 64-bit counter, got '5'"),
        ('{"nftables": [{"counter": {"family": "inet", "table": "egov", "packets": 1, "bytes": 5}}]}',
         "nft counter of table inet egov without a name"),
    ],
)
def test_parse_nft_refuses_what_it_cannot_trust(output, message):
    with pytest.raises(ValueError, match=message):
        parse_nft_counters(output)


def read(at, down, up, uptime_s=None, kind=KIND_NFT, counter="agency_disdik_down,agency_disdik_up"):
    return AgencyCounters("disdik", "gw-disdik", kind, counter, at, down, up,
                          uptime_cs=None if uptime_s is None else int(uptime_s * 100), speed_bps=GBPS)


def seeded_ledger(rows=(), now=NOON):
    ledger = Ledger()
    ledger.seed(rows, now=now, scope=[("disdik", "gw-disdik")])
    return ledger


def item(period, start, bytes_in, bytes_out, samples, observed_at):
    return {"tenant": "disdik", "period": period, "period_start": start, "source": "gw-disdik",
            "bytes_in": bytes_in, "bytes_out": bytes_out, "samples": samples, "observed_at": observed_at}


class TestLedger:
    def test_the_first_read_only_sets_the_baseline(self):
        ledger = seeded_ledger()
        applied = ledger.apply(read(NOON, 1000, 100))
        assert (applied.down.reason, applied.items) == (Reason.FIRST, ())

    def test_totals_are_absolute_and_dated_on_the_regency_clock(self):
        ledger = seeded_ledger()
        ledger.apply(read(NOON, 1000, 100))
        ledger.apply(read(NOON + 300, 6000, 400))
        applied = ledger.apply(read(NOON + 600, 8000, 500))
        assert applied.items == (
            item(DAY, "2026-11-27", 7000, 400, 2, "2026-11-27T12:10:00+07:00"),
            item(MONTH, "2026-11-01", 7000, 400, 2, "2026-11-27T12:10:00+07:00"),
        )

    def test_an_interval_over_the_month_end_is_split(self):
        ledger = seeded_ledger(now=jakarta(2026, 11, 30, 23))
        ledger.apply(read(jakarta(2026, 11, 30, 23, 55), 0, 0))
        applied = ledger.apply(read(jakarta(2026, 12, 1, 0, 5), 1000, 10))
        assert applied.items == (
            item(DAY, "2026-11-30", 500, 5, 1, "2026-12-01T00:05:00+07:00"),
            item(DAY, "2026-12-01", 500, 5, 1, "2026-12-01T00:05:00+07:00"),
            item(MONTH, "2026-11-01", 500, 5, 1, "2026-12-01T00:05:00+07:00"),
            item(MONTH, "2026-12-01", 500, 5, 1, "2026-12-01T00:05:00+07:00"),
        )

    def test_nothing_is_written_before_the_totals_are_known(self):
        ledger = Ledger()
        ledger.apply(read(NOON, 0, 0))
        assert ledger.apply(read(NOON + 300, 1000, 10)).items == ()
        assert ledger.totals() == {}

    def test_seeded_totals_continue(self):
        rows = [  # as GET /api/plugins/egov/quota-usage/ returns them (UTC, nested tenant, period as a choice)
            {"id": 1, "tenant": {"id": 4, "slug": "disdik", "name": "Dinas Pendidikan"},
             "period": {"value": "month", "label": "Month"}, "period_start": "2026-11-01", "source": "gw-disdik",
             "bytes_in": 10**12, "bytes_out": 10**11, "samples": 7000, "observed_at": "2026-11-27T04:55:00Z",
             "state": "within"},
            {"id": 2, "tenant": {"id": 4, "slug": "disdik"}, "period": {"value": "day"}, "period_start": "2026-11-27",
             "source": "gw-disdik", "bytes_in": 10**9, "bytes_out": 10**8, "samples": 100,
             "observed_at": "2026-11-27T04:55:00+00:00"},
            {"tenant": {"slug": "disdik"}, "period": {"value": "month"}, "period_start": "2026-08-01",
             "source": "gw-disdik", "bytes_in": 1, "bytes_out": 1, "samples": 1,
             "observed_at": "2026-08-31T16:59:00Z"},
        ]
        ledger = seeded_ledger(rows)
        assert len(ledger.totals()) == 2  # August is older than the previous month: ignored
        ledger.apply(read(NOON, 5000, 500))
        applied = ledger.apply(read(NOON + 300, 6000, 600))
        assert applied.items == (
            item(DAY, "2026-11-27", 10**9 + 1000, 10**8 + 100, 101, "2026-11-27T12:05:00+07:00"),
            item(MONTH, "2026-11-01", 10**12 + 1000, 10**11 + 100, 7001, "2026-11-27T12:05:00+07:00"),
        )

    def test_a_stale_baseline_counts_only_what_the_totals_lack(self):
        # NetBox holds totals up to 12:05; the store's last read is from 12:00: only 12:05-12:10 is new.
        rows = [{"tenant": "disdik", "period": "day", "period_start": "2026-11-27", "source": "gw-disdik",
                 "bytes_in": 10**6, "bytes_out": 0, "samples": 1, "observed_at": "2026-11-27T12:05:00+07:00"}]
        ledger = seeded_ledger(rows)
        ledger.apply(read(NOON, 0, 0))
        applied = ledger.apply(read(NOON + 600, 6000, 0))
        assert applied.items[0]["bytes_in"] == 10**6 + 3000

    def test_a_discarded_interval_adds_no_bytes_and_no_sample(self):
        ledger = seeded_ledger()
        ledger.apply(read(NOON, 0, 0))
        ledger.apply(read(NOON + 300, 1000, 10))
        applied = ledger.apply(read(NOON + 600, 10**15, 20))  # 10**15 bytes in 300 s at 1 Gbit/s: a spike
        assert (applied.down.reason, applied.up.reason) == (Reason.OVER_SPEED, Reason.OK)
        assert applied.discards == {"over-speed": 1}
        assert applied.items[0] == item(DAY, "2026-11-27", 1000, 20, 1, "2026-11-27T12:10:00+07:00")

    def test_another_source_starts_a_new_baseline(self):
        ledger = seeded_ledger()
        ledger.apply(read(NOON, 10**9, 10**9))
        applied = ledger.apply(read(NOON + 300, 50, 5, kind=KIND_QUEUE, counter="egov-disdik"))
        assert (applied.down.reason, applied.items) == (Reason.FIRST, ())

    def test_old_periods_are_forgotten(self):
        ledger = seeded_ledger(now=jakarta(2026, 9, 30, 23))
        ledger.apply(read(jakarta(2026, 9, 30, 23), 0, 0))
        ledger.apply(read(jakarta(2026, 10, 1, 1), 7200, 0))
        assert ledger.totals()[UsageKey("disdik", MONTH, date(2026, 9, 1), "gw-disdik")].bytes_in == 3600
        ledger.apply(read(jakarta(2026, 11, 1, 1), 7200 + 10**6, 0))
        assert min(key.start for key in ledger.totals()) == date(2026, 10, 1)  # September is final: forgotten
        assert ledger.state("disdik", "gw-disdik").known_since == date(2026, 10, 1)

    def test_periods_before_the_known_ones_are_never_written(self):
        # Seeded in mid-November (September's rows were not fetched); the store's last read is from September.
        ledger = seeded_ledger(now=jakarta(2026, 11, 15))
        ledger.restore(AgencyState("disdik", "gw-disdik", None, baseline=read(jakarta(2026, 9, 25), 0, 0)))
        applied = ledger.apply(read(jakarta(2026, 11, 15), 10**9, 0))
        months = {i["period_start"]: i["bytes_in"] for i in applied.items if i["period"] == MONTH}
        assert list(months) == ["2026-10-01", "2026-11-01"]
        assert sum(months.values()) < 10**9  # September's share stays unwritten: its total is not known here

    @pytest.mark.parametrize(
        ("row", "message"),
        [
            ({"tenant": None}, "tenant must be an agency slug, got None"),
            ({"period": {"value": "week"}}, "period must be 'day' or 'month'"),
            ({"period_start": "27/11/2026"}, "quota-usage row of disdik: Invalid isoformat string"),
            ({"observed_at": "2026-11-27T12:00:00"}, "observed_at must carry a UTC offset"),
            ({"bytes_in": -1}, "bytes_in must be a non-negative integer, got -1"),
        ],
    )
    def test_bad_rows_name_the_field(self, row, message):
        good = {"tenant": "disdik", "period": "day", "period_start": "2026-11-27", "source": "gw-disdik",
                "bytes_in": 1, "bytes_out": 1, "samples": 1, "observed_at": "2026-11-27T12:00:00+07:00"}
        with pytest.raises(ValueError, match=message):
            Ledger().seed([good | row], now=NOON)

    def test_an_item_reads_back_as_its_key_and_totals(self):
        key, totals = UsageKey("disdik", MONTH, date(2026, 11, 1), "gw-disdik"), Totals(2**63, 7, 3, NOON)
        item = usage_item(key, totals)
        assert item["period_start"] == "2026-11-01" and item["observed_at"] == "2026-11-27T12:00:00+07:00"
        assert usage_row(item) == (key, totals)
        # NetBox's rows nest the agency and the period choice, and give observed_at on UTC's clock.
        row = item | {"tenant": {"slug": "disdik"}, "period": {"value": MONTH}, "observed_at": "2026-11-27T05:00:00Z"}
        assert usage_row(row) == (key, totals)


def netbox_upsert(rows, items):
    """The upsert's rule on a dict: a write whose observed_at is not newer than the stored row's changes nothing."""
    for new in items:
        key = (new["tenant"], new["period"], new["period_start"], new["source"])
        held = rows.get(key)
        if held is None or datetime.fromisoformat(held["observed_at"]) < datetime.fromisoformat(new["observed_at"]):
            rows[key] = new


@st.composite
def traffic(draw):
    """Reads minutes to hours apart for days over a month end, with collector restarts: "r" without the store's
    last read, "s" with it; the increments stay below 1 Gbit/s."""
    steps = []
    for _ in range(draw(st.integers(2, 60))):
        interval = draw(st.floats(30, 7200))
        increment = int(draw(st.floats(0, 1)) * GBPS / 8 * interval)
        steps.append((interval, increment, draw(st.sampled_from("n" * 8 + "rs"))))
    return steps


@settings(max_examples=150, deadline=None)
@given(traffic(), st.integers(0, 2**64 - 1))
def test_restarts_lose_only_what_no_counter_holds(steps, start):
    """Collector restarts: with the store's last read nothing is lost; without it, the interval before the
    first read after the restart."""
    rows, at, value = {}, jakarta(2026, 11, 29, 20), start
    ledger = seeded_ledger(now=at)
    ledger.apply(read(at, value, 0))
    expected = 0
    for interval, increment, event in steps:
        if event in "rs":
            state = ledger.state("disdik", "gw-disdik")
            ledger = Ledger()
            ledger.seed([dict(r) for r in rows.values()], now=at, scope=[("disdik", "gw-disdik")])
            if event == "s":
                ledger.restore(state)
        at += interval
        value = (value + increment) % 2**64
        netbox_upsert(rows, ledger.apply(read(at, value, 0)).items)
        if event != "r":
            expected += increment
    months = sum(r["bytes_in"] for r in rows.values() if r["period"] == MONTH)
    days = sum(r["bytes_in"] for r in rows.values() if r["period"] == DAY)
    assert months == days == expected


def test_restarts_with_the_store_lose_nothing_over_a_month_end():
    rng = random.Random(10)
    rows, at = {}, jakarta(2026, 10, 31, 22)
    ledger = seeded_ledger(now=at)
    ledger.apply(read(at, 0, 0))
    value = sent = 0
    for step in range(2000):
        if step % 97 == 0:
            state = ledger.state("disdik", "gw-disdik")
            ledger = Ledger()
            ledger.seed(list(rows.values()), now=at, scope=[("disdik", "gw-disdik")])
            ledger.restore(state)
        at += 300
        increment = rng.randrange(0, 10**9)
        value, sent = value + increment, sent + increment
        netbox_upsert(rows, ledger.apply(read(at, value, value // 10)).items)
    october = rows[("disdik", MONTH, "2026-10-01", "gw-disdik")]
    november = rows[("disdik", MONTH, "2026-11-01", "gw-disdik")]
    assert october["bytes_in"] + november["bytes_in"] == sent
    assert sum(r["bytes_in"] for r in rows.values() if r["period"] == DAY) == sent
    assert november["samples"] + october["samples"] == 2000
    assert PeriodKey(MONTH, date(2026, 11, 1)) in ledger.state("disdik", "gw-disdik").totals
