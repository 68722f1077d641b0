"""Day and month periods on the regency's clock, and traffic split across them by time.

Quota usage is kept per day and per month as Klaten's clock reads them (Asia/Jakarta, UTC+7): the day starts at
local midnight, the month on the 1st. A measured interval that spans a midnight, or the end of a month, is split
in proportion to the time spent in each period. Integers only: the parts always add up to the bytes measured
(cumulative rounding: each boundary's share of the whole is rounded down once, so no byte is lost or made up).
Pure: standard library only.
"""

import math
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import NamedTuple
from zoneinfo import ZoneInfo

REGENCY_TZ = ZoneInfo("Asia/Jakarta")
DAY = "day"
MONTH = "month"


class PeriodKey(NamedTuple):
    """A period as the plugin's upsert names it: ``period`` ("day" or "month") and its first day."""

    period: str
    start: date


def period_keys(at: float, tz: ZoneInfo = REGENCY_TZ) -> tuple[PeriodKey, PeriodKey]:
    """The day and the month that contain the instant ``at`` (epoch seconds) on ``tz``'s clock."""
    local_day = _local_day(at, tz)
    return PeriodKey(DAY, local_day), PeriodKey(MONTH, local_day.replace(day=1))


def iso_timestamp(at: float, tz: ZoneInfo = REGENCY_TZ) -> str:
    """``at`` as ISO 8601 on ``tz``'s clock, to the second: "2026-11-27T12:00:00+07:00"."""
    return datetime.fromtimestamp(at, tz).isoformat(timespec="seconds")


def split_by_period(t0: float, t1: float, octets: int, tz: ZoneInfo = REGENCY_TZ) -> dict[PeriodKey, int]:
    """Split ``octets`` measured over [t0, t1] across the days and months the interval spans, by time.

    Returns the days in time order, then the months; the days add up to ``octets``, and so do the months (a
    month's part is the sum of its days' parts). A period the interval only touches at an instant gets nothing;
    an interval of no length (t0 == t1) goes whole to the day and month containing it."""
    _check_interval(t0, t1, octets)
    if t0 == t1:
        return dict.fromkeys(period_keys(t1, tz), octets)
    days = _split_by_day(t0, t1, octets, tz)
    months: dict[PeriodKey, int] = {}
    for day, part in days.items():
        month = PeriodKey(MONTH, day.start.replace(day=1))
        months[month] = months.get(month, 0) + part
    return days | months


def _split_by_day(t0: float, t1: float, octets: int, tz: ZoneInfo) -> dict[PeriodKey, int]:
    start, length = Fraction(t0), Fraction(t1) - Fraction(t0)

    def share_until(instant: float) -> int:
        return octets * (Fraction(instant) - start) // length

    days: dict[PeriodKey, int] = {}
    local_day = _local_day(t0, tz)
    segment_start, given = t0, 0
    while segment_start < t1:
        segment_end = min(_midnight_after(local_day, tz), t1)
        up_to_end = share_until(segment_end)
        days[PeriodKey(DAY, local_day)] = up_to_end - given
        given, segment_start, local_day = up_to_end, segment_end, local_day + timedelta(days=1)
    return days


def _local_day(at: float, tz: ZoneInfo) -> date:
    # fromtimestamp rounds to the microsecond: an instant a hair before midnight would land on the next day.
    local_day = datetime.fromtimestamp(at, tz).date()
    if _midnight_after(local_day - timedelta(days=1), tz) > at:
        return local_day - timedelta(days=1)
    return local_day


def _midnight_after(local_day: date, tz: ZoneInfo) -> float:
    return datetime.combine(local_day + timedelta(days=1), time(0), tzinfo=tz).timestamp()


def _check_interval(t0: float, t1: float, octets: int) -> None:
    for name, value in (("t0", t0), ("t1", t1)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number of epoch seconds, got {value!r}")
    if t1 < t0:
        raise ValueError(f"t1 must not be before t0, got t0={t0!r} t1={t1!r}")
    if isinstance(octets, bool) or not isinstance(octets, int) or octets < 0:
        raise ValueError(f"octets must be a non-negative integer, got {octets!r}")
