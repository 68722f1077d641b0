"""The ceilings a quota imposes at a given moment: the rule, without NetBox or any I/O.

A quota's ceilings hold inside its office-hours schedule (always, without one); outside it the off-hours ceilings
replace them where they are set. When the month's usage state is ``exceeded`` and the quota's cap action is
``throttle``, the throttled ceiling caps both directions. The guaranteed rate never exceeds the ceiling in force
(HTB and RouterOS refuse a rate above the ceiling), so a throttled ceiling under it lowers it too.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

REGENCY_TZ = "Asia/Jakarta"  # the clock quota usage is kept on (months start on the 1st there)
USAGE_STATES = ("no-cap", "within", "warning", "exceeded")  # a month's usage states, least limiting first


@dataclass(frozen=True)
class Schedule:
    """Office hours: weekdays (0 = Monday) from ``start`` (inclusive) to ``end`` (exclusive) in ``time_zone``."""

    weekdays: frozenset
    start: time
    end: time
    time_zone: str = REGENCY_TZ

    def in_force(self, at):
        """True when the aware datetime ``at``, on the schedule's clock, falls inside it."""
        local = at.astimezone(ZoneInfo(self.time_zone))
        return local.weekday() in self.weekdays and self.start <= local.time().replace(tzinfo=None) < self.end


@dataclass(frozen=True)
class Quota:
    """What a bandwidth quota sets (Mbit/s), as the plugin's API gives it."""

    guaranteed_down_mbps: int
    guaranteed_up_mbps: int
    ceiling_down_mbps: int
    ceiling_up_mbps: int
    schedule: Schedule | None = None
    off_hours_ceiling_down_mbps: int | None = None
    off_hours_ceiling_up_mbps: int | None = None
    cap_action: str = "notify"
    throttled_ceiling_mbps: int | None = None


@dataclass(frozen=True)
class Limits:
    """The rates and ceilings in force, and why the ceilings are not the office-hours ones (or None)."""

    rate_down_mbps: int
    rate_up_mbps: int
    ceil_down_mbps: int
    ceil_up_mbps: int
    reason: str | None  # None, "off-hours", "throttled", "off-hours, throttled"


def limits(quota, at, usage_state=None):
    """The Limits of ``quota`` at the aware datetime ``at``, given the month's usage state."""
    ceilings, reasons = {}, []
    off_hours = quota.schedule is not None and not quota.schedule.in_force(at)
    for direction in ("down", "up"):
        ceiling = getattr(quota, f"ceiling_{direction}_mbps")
        off_hours_ceiling = getattr(quota, f"off_hours_ceiling_{direction}_mbps")
        ceilings[direction] = off_hours_ceiling if off_hours and off_hours_ceiling is not None else ceiling
    if off_hours and (quota.off_hours_ceiling_down_mbps is not None or quota.off_hours_ceiling_up_mbps is not None):
        reasons.append("off-hours")
    if usage_state == "exceeded" and quota.cap_action == "throttle" and quota.throttled_ceiling_mbps is not None:
        ceilings = {direction: min(value, quota.throttled_ceiling_mbps) for direction, value in ceilings.items()}
        reasons.append("throttled")
    return Limits(
        rate_down_mbps=min(quota.guaranteed_down_mbps, ceilings["down"]),
        rate_up_mbps=min(quota.guaranteed_up_mbps, ceilings["up"]),
        ceil_down_mbps=ceilings["down"],
        ceil_up_mbps=ceilings["up"],
        reason=", ".join(reasons) or None,
    )


def month_start(at, time_zone=REGENCY_TZ):
    """The first day of the month containing ``at`` on ``time_zone``'s clock (the usage period's start)."""
    local = at.astimezone(ZoneInfo(time_zone))
    return date(local.year, local.month, 1)


def worst_state(states):
    """The most limiting of usage states, or None without any: an agency measured by several sources (one usage
    row each) is held to the worst of them."""
    return max(states, key=USAGE_STATES.index, default=None)


def quota_of(row, schedule):
    """A Quota from a bandwidth-quotas API row and its schedule's API row (or None)."""
    cap_action = row.get("cap_action")
    return Quota(
        guaranteed_down_mbps=row["guaranteed_down_mbps"],
        guaranteed_up_mbps=row["guaranteed_up_mbps"],
        ceiling_down_mbps=row["ceiling_down_mbps"],
        ceiling_up_mbps=row["ceiling_up_mbps"],
        schedule=parse_schedule(schedule),
        off_hours_ceiling_down_mbps=row.get("off_hours_ceiling_down_mbps"),
        off_hours_ceiling_up_mbps=row.get("off_hours_ceiling_up_mbps"),
        cap_action=cap_action["value"] if isinstance(cap_action, dict) else cap_action or "notify",
        throttled_ceiling_mbps=row.get("throttled_ceiling_mbps"),
    )


def parse_schedule(fields):
    """A Schedule from the API's schedule object (weekdays, "HH:MM[:SS]" times, time_zone), or None."""
    if not fields:
        return None
    return Schedule(weekdays=frozenset(fields["weekdays"]), start=time.fromisoformat(fields["start_time"]),
                    end=time.fromisoformat(fields["end_time"]), time_zone=fields.get("time_zone") or REGENCY_TZ)


def now():
    return datetime.now(ZoneInfo(REGENCY_TZ))
