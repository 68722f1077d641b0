"""counters.counter_delta: wraps, restarts, resets, gaps and spikes, by example and by property."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egov_collectors.counters import (
    DISCARDS,
    FALLBACK_SPEED_BPS,
    SYSUPTIME_MODULUS,
    Flag,
    Reading,
    Reason,
    counter_delta,
    restarted,
)

GBPS = 10**9
T0 = 1_800_000_000.0


def read(value, at=T0, bits=64, uptime_s=100_000):
    return Reading(value=value, at=at, bits=bits, uptime_cs=None if uptime_s is None else int(uptime_s * 100))


def ceiling(speed_bps, seconds):
    return int((speed_bps or FALLBACK_SPEED_BPS) / 8 * (seconds * 1.1 + 2))


class TestExamples:
    def test_plain_increase(self):
        delta = counter_delta(read(1000), read(5000, T0 + 300, uptime_s=100_300), speed_bps=GBPS)
        assert (delta.octets, delta.reason, delta.interval, delta.flags) == (4000, Reason.OK, 300, frozenset())
        assert delta.kept and not delta.discarded

    @pytest.mark.parametrize("bits", [32, 64])
    def test_wrap_exactly_at_the_top(self, bits):
        top = 2**bits - 1
        delta = counter_delta(read(top, bits=bits), read(0, T0 + 60, bits=bits, uptime_s=100_060), speed_bps=GBPS)
        assert (delta.octets, delta.reason) == (1, Reason.WRAP)
        unchanged = counter_delta(read(top, bits=bits), read(top, T0 + 60, bits=bits, uptime_s=100_060))
        assert (unchanged.octets, unchanged.reason) == (0, Reason.OK)

    def test_wrap_of_a_32_bit_counter(self):
        delta = counter_delta(read(2**32 - 1000, bits=32), read(500, T0 + 300, bits=32, uptime_s=100_300),
                              speed_bps=100 * 10**6)
        assert (delta.octets, delta.reason) == (1500, Reason.WRAP)

    def test_a_64_bit_counter_going_back_is_no_wrap(self):
        # 2**64 minus a little is not reachable in 300 s at any speed: the counter was reset, counted from zero.
        delta = counter_delta(read(10**12), read(10**9, T0 + 300, uptime_s=100_300), speed_bps=GBPS)
        assert (delta.octets, delta.reason) == (10**9, Reason.RESET)

    def test_discontinuity_is_discarded(self):
        delta = counter_delta(read(10**15), read(10**14, T0 + 300, uptime_s=100_300), speed_bps=GBPS)
        assert (delta.octets, delta.reason, delta.discarded) == (0, Reason.DISCONTINUITY, True)

    def test_a_spike_above_the_speed_is_dropped(self):
        delta = counter_delta(read(1000), read(1000 + 10**12, T0 + 300, uptime_s=100_300), speed_bps=GBPS)
        assert (delta.octets, delta.reason, delta.discarded) == (0, Reason.OVER_SPEED, True)

    def test_line_rate_with_jitter_is_kept(self):
        # 1 Gbit/s for 300 s is 37.5 GB; a read that came 5 % late is still traffic, not a spike.
        octets = int(GBPS / 8 * 315)
        delta = counter_delta(read(0), read(octets, T0 + 300, uptime_s=100_300), speed_bps=GBPS)
        assert (delta.octets, delta.reason) == (octets, Reason.OK)

    def test_unknown_speed_uses_the_fallback_ceiling(self):
        kept = counter_delta(read(0), read(10**12, T0 + 300, uptime_s=100_300), speed_bps=0)
        assert (kept.octets, kept.flags) == (10**12, {Flag.SPEED_UNKNOWN})
        spike = counter_delta(read(0), read(10**15, T0 + 300, uptime_s=100_300), speed_bps=None)
        assert spike.reason == Reason.OVER_SPEED

    def test_a_long_gap_is_kept_and_marked(self):
        delta = counter_delta(read(0), read(10**9, T0 + 3600, uptime_s=103_600), speed_bps=GBPS)
        assert (delta.octets, delta.reason, delta.flags) == (10**9, Reason.OK, {Flag.GAP})

    def test_a_32_bit_counter_too_small_for_the_interval_is_marked(self):
        # 10 Gbit/s moves 375 GB in 300 s: a Counter32 may have wrapped many times; the figure is a lower bound.
        delta = counter_delta(read(0, bits=32), read(10**9, T0 + 300, bits=32, uptime_s=100_300),
                              speed_bps=10 * GBPS)
        assert Flag.WRAP_AMBIGUOUS in delta.flags

    @pytest.mark.parametrize(
        ("previous", "current", "reason"),
        [
            (None, read(5), Reason.FIRST),
            (read(None), read(5), Reason.FIRST),
            (read(5), read(None, T0 + 60), Reason.MISSING),
            (read(5, bits=32), read(9, T0 + 60), Reason.WIDTH_CHANGED),
            (read(5), read(9, T0), Reason.CLOCK),
            (read(5), read(9, T0 - 60), Reason.CLOCK),
        ],
    )
    def test_nothing_to_compare(self, previous, current, reason):
        delta = counter_delta(previous, current, speed_bps=GBPS)
        assert (delta.octets, delta.reason, delta.kept) == (0, reason, False)

    def test_bad_readings_name_the_field(self):
        with pytest.raises(ValueError, match=r"value must be a 32-bit counter .* got 4294967296"):
            Reading(value=2**32, at=T0, bits=32)
        with pytest.raises(ValueError, match="value must be .* got -1"):
            Reading(value=-1, at=T0)
        with pytest.raises(ValueError, match="bits must be 32 or 64, got 16"):
            Reading(value=1, at=T0, bits=16)
        with pytest.raises(ValueError, match="uptime_cs must be TimeTicks"):
            Reading(value=1, at=T0, uptime_cs=2**32)


class TestRestarts:
    def test_uptime_going_back_is_a_restart(self):
        assert restarted(read(0, uptime_s=5000), read(0, T0 + 300, uptime_s=120))

    def test_a_restart_soon_after_a_young_read_is_seen(self):
        # Up 20 s at the first read, restarted 100 s later: uptime grew, but less than the time elapsed.
        assert restarted(read(0, uptime_s=20), read(0, T0 + 300, uptime_s=200))

    def test_uptime_keeping_pace_is_no_restart(self):
        assert not restarted(read(0, uptime_s=5000), read(0, T0 + 300, uptime_s=5298))
        assert not restarted(read(0, uptime_s=None), read(0, T0 + 300, uptime_s=1))

    def test_sysuptime_wrapping_after_497_days_is_no_restart(self):
        before = Reading(value=0, at=T0, uptime_cs=SYSUPTIME_MODULUS - 100 * 100)
        after = Reading(value=0, at=T0 + 300, uptime_cs=200 * 100)
        assert not restarted(before, after)

    def test_counters_reset_by_a_restart_count_from_zero(self):
        delta = counter_delta(read(10**9, uptime_s=5000), read(2000, T0 + 300, uptime_s=60), speed_bps=GBPS)
        assert (delta.octets, delta.reason) == (2000, Reason.RESTART)

    def test_counters_kept_across_a_restart_count_the_difference(self):
        # net-snmp restarted on a Linux gateway: the kernel's counters went on.
        delta = counter_delta(read(10**9, uptime_s=5000), read(10**9 + 7000, T0 + 300, uptime_s=60),
                              speed_bps=GBPS)
        assert (delta.octets, delta.reason) == (7000, Reason.RESTART_KEPT)

    def test_a_value_the_time_since_the_restart_cannot_explain_is_discarded(self):
        # Up 10 s at 100 Mbit/s cannot have moved 1 GB: not a counter that started from zero.
        delta = counter_delta(read(5 * 10**9, uptime_s=5000), read(10**9, T0 + 300, uptime_s=10),
                              speed_bps=100 * 10**6)
        assert (delta.octets, delta.reason, delta.discarded) == (0, Reason.RESTART_IMPLAUSIBLE, True)


# A device's counter as the test drives it: true traffic per interval, and restarts the agent's sysUpTime shows.
SPEEDS = st.sampled_from([10 * 10**6, 100 * 10**6, GBPS, 10 * GBPS, None])
EVENTS = st.sampled_from(["none"] * 6 + ["restart-reset", "restart-kept"])


@st.composite
def device_histories(draw, with_restarts=True):
    bits = draw(st.sampled_from([32, 64]))
    speed = draw(SPEEDS)
    near_the_top = st.integers(2**bits - 10**6, 2**bits - 1)
    start = draw(st.one_of(st.integers(0, 2**bits - 1), st.just(2**bits - 1), near_the_top))
    steps = []
    for _ in range(draw(st.integers(1, 30))):
        interval = draw(st.floats(1, 1800))
        most = min(int((speed or FALLBACK_SPEED_BPS) / 8 * interval), 2**bits - 1)
        increment = draw(st.one_of(st.integers(0, most), st.just(most)))
        event = draw(EVENTS) if with_restarts else "none"
        after_restart = draw(st.floats(0.01, 1.0))  # the share of the interval after the restart
        steps.append((interval, increment, event, after_restart))
    return bits, speed, start, steps


def replay(bits, speed, start, steps):
    """Feed the counter's reads to counter_delta; return (true traffic, deltas, restarts that happened)."""
    value, uptime, at = start, 3600.0, T0
    previous = Reading(value, at, bits, int(uptime * 100))
    truth, deltas, restarts = 0, [], 0
    for interval, increment, event, after_share in steps:
        at += interval
        if event != "none" and uptime >= 30:  # a restart sysUpTime can show: the agent was up long enough
            restarts += 1
            uptime = interval * after_share
            if event == "restart-reset":
                # The counter started from zero at the restart; it only saw the traffic after it.
                seen = int(increment * after_share)
                value = seen
            else:
                value = (value + increment) % 2**bits
        else:
            uptime += interval
            value = (value + increment) % 2**bits
        truth += increment
        current = Reading(value, at, bits, int(uptime * 100) % SYSUPTIME_MODULUS)
        deltas.append(counter_delta(previous, current, speed_bps=speed, max_interval=3600))
        previous = current
    return truth, deltas, restarts


@settings(max_examples=400, deadline=None)
@given(device_histories())
def test_deltas_never_lie(history):
    bits, speed, start, steps = history
    truth, deltas, _ = replay(*history)
    assert all(d.octets >= 0 for d in deltas)
    assert all(d.octets <= ceiling(speed, d.interval) for d in deltas)
    assert all(d.octets == 0 for d in deltas if d.discarded)
    assert sum(d.octets for d in deltas) <= truth


@settings(max_examples=400, deadline=None)
@given(device_histories(with_restarts=False))
def test_without_restarts_the_deltas_add_up_to_the_traffic(history):
    truth, deltas, restarts = replay(*history)
    assert restarts == 0
    assert not [d for d in deltas if d.reason in DISCARDS]
    assert sum(d.octets for d in deltas) == truth


@settings(max_examples=200, deadline=None)
@given(device_histories())
def test_restarts_are_recognised(history):
    bits, speed, start, steps = history
    _, deltas, restarts = replay(*history)
    seen = [d for d in deltas if d.reason in {Reason.RESTART, Reason.RESTART_KEPT, Reason.RESTART_IMPLAUSIBLE}]
    assert len(seen) == restarts
