"""When a schedule (days and hours in a time zone) is in force; shared by quotas and filter policies."""

from zoneinfo import ZoneInfo


def in_force(weekdays, start_time, end_time, time_zone, at):
    """True when the aware datetime `at`, seen in `time_zone`, falls on one of `weekdays` (0 = Monday)
    between start_time (inclusive) and end_time (exclusive)."""
    local = at.astimezone(ZoneInfo(time_zone))
    return local.weekday() in weekdays and start_time <= local.time().replace(tzinfo=None) < end_time
