"""periods: the regency's days and months, and bytes split across them exactly."""

from datetime import UTC, date, datetime
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egov_collectors.periods import DAY, MONTH, PeriodKey, iso_timestamp, period_keys, split_by_period


def jakarta(*args):
    """Epoch seconds of a wall-clock time in Klaten (UTC+7, no daylight saving)."""
    return datetime(*args, tzinfo=UTC).timestamp() - 7 * 3600


def test_the_day_follows_the_regency_clock():
    # 17:30 UTC on 31 October is 00:30 on 1 November in Klaten.
    at = datetime(2026, 10, 31, 17, 30, tzinfo=UTC).timestamp()
    assert period_keys(at) == (PeriodKey(DAY, date(2026, 11, 1)), PeriodKey(MONTH, date(2026, 11, 1)))
    assert iso_timestamp(at) == "2026-11-01T00:30:00+07:00"


def test_an_instant_a_hair_before_midnight_is_still_the_old_day():
    # datetime.fromtimestamp rounds to the microsecond; the period must not.
    assert period_keys(jakarta(2030, 1, 1) - 2e-7)[0] == PeriodKey(DAY, date(2029, 12, 31))


def test_an_interval_over_the_month_end_is_split_by_time():
    parts = split_by_period(jakarta(2026, 10, 31, 23, 55), jakarta(2026, 11, 1, 0, 5), 1000)
    assert list(parts.items()) == [
        (PeriodKey(DAY, date(2026, 10, 31)), 500),
        (PeriodKey(DAY, date(2026, 11, 1)), 500),
        (PeriodKey(MONTH, date(2026, 10, 1)), 500),
        (PeriodKey(MONTH, date(2026, 11, 1)), 500),
    ]


def test_an_interval_within_a_day_is_whole():
    parts = split_by_period(jakarta(2026, 11, 27, 12, 0), jakarta(2026, 11, 27, 12, 5), 12345)
    assert parts == {PeriodKey(DAY, date(2026, 11, 27)): 12345, PeriodKey(MONTH, date(2026, 11, 1)): 12345}


def test_an_interval_ending_at_midnight_gives_the_next_day_nothing():
    parts = split_by_period(jakarta(2026, 11, 27, 23, 55), jakarta(2026, 11, 28), 7)
    assert list(parts) == [PeriodKey(DAY, date(2026, 11, 27)), PeriodKey(MONTH, date(2026, 11, 1))]


def test_rounding_loses_no_byte():
    # 8 h, 24 h and 16 h of 48 h: 16.67 + 50 + 33.33 bytes become 16 + 50 + 34, never 99 or 101 in all.
    parts = split_by_period(jakarta(2026, 11, 27, 16), jakarta(2026, 11, 29, 16), 100)
    assert [parts[PeriodKey(DAY, date(2026, 11, d))] for d in (27, 28, 29)] == [16, 50, 34]


def test_an_instant_goes_whole_to_its_period():
    at = jakarta(2026, 12, 31, 23, 59, 59)
    assert split_by_period(at, at, 9) == {PeriodKey(DAY, date(2026, 12, 31)): 9, PeriodKey(MONTH, date(2026, 12, 1)): 9}


@pytest.mark.parametrize(
    ("t0", "t1", "octets", "message"),
    [
        (10.0, 5.0, 1, "t1 must not be before t0, got t0=10.0 t1=5.0"),
        (0.0, 5.0, -1, "octets must be a non-negative integer, got -1"),
        (0.0, 5.0, 1.5, "octets must be a non-negative integer, got 1.5"),
        (float("nan"), 5.0, 1, "t0 must be a finite number of epoch seconds, got nan"),
        (0.0, "5", 1, "t1 must be a finite number of epoch seconds, got '5'"),
    ],
)
def test_bad_input_names_the_field(t0, t1, octets, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        split_by_period(t0, t1, octets)


INSTANTS = st.floats(jakarta(2024, 1, 1), jakarta(2030, 1, 1))


@settings(max_examples=500, deadline=None)
@given(INSTANTS, st.floats(0, 100 * 86400), st.integers(0, 2**63 - 1))
def test_the_parts_add_up_and_follow_time(t0, length, octets):
    t1 = t0 + length
    parts = split_by_period(t0, t1, octets)
    days = {key: part for key, part in parts.items() if key.period == DAY}
    months = {key: part for key, part in parts.items() if key.period == MONTH}
    assert sum(days.values()) == octets
    assert sum(months.values()) == octets
    assert all(part >= 0 for part in parts.values())
    for month, part in months.items():
        assert part == sum(v for day, v in days.items() if day.start.replace(day=1) == month.start)
        assert month.start.day == 1
    # Consecutive days from t0's to t1's (t1's only when some time of it is inside), each within one byte of its
    # exact share of the time.
    first, last = period_keys(t0)[0].start, period_keys(t1)[0].start
    starts = [day.start for day in days]
    assert starts[0] == first
    assert starts[-1] in (last, date.fromordinal(last.toordinal() - 1))
    assert [d.toordinal() for d in starts] == list(range(first.toordinal(), first.toordinal() + len(starts)))
    if t1 > t0:
        for day, part in days.items():
            midnight = Fraction(jakarta(day.start.year, day.start.month, day.start.day))
            start, end = max(Fraction(t0), midnight), min(Fraction(t1), midnight + 86400)
            exact = octets * (end - start) / (Fraction(t1) - Fraction(t0))
            assert abs(part - exact) < 1
