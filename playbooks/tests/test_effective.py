"""The ceilings in force (egov_push.effective): plain functions, no NetBox, no gateway."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from egov_push.effective import Limits, Quota, Schedule, limits, month_start, parse_schedule, quota_of, worst_state

JAKARTA = ZoneInfo("Asia/Jakarta")
OFFICE = Schedule(weekdays=frozenset({0, 1, 2, 3, 4}), start=time(7, 30), end=time(16, 0))
MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=JAKARTA)
MONDAY_NIGHT = datetime(2026, 11, 23, 20, 0, tzinfo=JAKARTA)
SATURDAY_NOON = datetime(2026, 11, 28, 12, 0, tzinfo=JAKARTA)


def quota(**changes):
    fields = {"guaranteed_down_mbps": 10, "guaranteed_up_mbps": 5, "ceiling_down_mbps": 50, "ceiling_up_mbps": 20,
              "schedule": OFFICE, "off_hours_ceiling_down_mbps": 100, "off_hours_ceiling_up_mbps": 40,
              "cap_action": "throttle", "throttled_ceiling_mbps": 2}
    return Quota(**{**fields, **changes})


def test_office_hours_ceilings_inside_the_schedule():
    assert limits(quota(), MONDAY_NOON) == Limits(10, 5, 50, 20, None)


def test_off_hours_ceilings_outside_it_on_a_weekday_evening_and_a_weekend():
    assert limits(quota(), MONDAY_NIGHT) == Limits(10, 5, 100, 40, "off-hours")
    assert limits(quota(), SATURDAY_NOON) == Limits(10, 5, 100, 40, "off-hours")


def test_the_schedule_is_read_on_its_own_clock():
    # 02:00 UTC is 09:00 in Jakarta (office hours) and 02:00 in UTC's own office (not).
    at = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    assert limits(quota(), at).reason is None
    assert limits(quota(schedule=Schedule(OFFICE.weekdays, OFFICE.start, OFFICE.end, "UTC")), at).reason == "off-hours"


def test_the_end_of_the_schedule_is_outside_it():
    assert limits(quota(), datetime(2026, 11, 23, 16, 0, tzinfo=JAKARTA)).reason == "off-hours"
    assert limits(quota(), datetime(2026, 11, 23, 7, 30, tzinfo=JAKARTA)).reason is None


def test_an_unset_off_hours_ceiling_keeps_the_office_one():
    got = limits(quota(off_hours_ceiling_down_mbps=None), MONDAY_NIGHT)
    assert (got.ceil_down_mbps, got.ceil_up_mbps, got.reason) == (50, 40, "off-hours")
    got = limits(quota(off_hours_ceiling_down_mbps=None, off_hours_ceiling_up_mbps=None), MONDAY_NIGHT)
    assert got == Limits(10, 5, 50, 20, None)


def test_no_schedule_means_always_the_office_ceilings():
    assert limits(quota(schedule=None), SATURDAY_NOON) == Limits(10, 5, 50, 20, None)


def test_exceeded_with_throttle_caps_both_ceilings_and_the_rates_under_them():
    assert limits(quota(), MONDAY_NOON, "exceeded") == Limits(2, 2, 2, 2, "throttled")
    assert limits(quota(), MONDAY_NIGHT, "exceeded") == Limits(2, 2, 2, 2, "off-hours, throttled")


def test_a_throttled_ceiling_above_the_one_in_force_changes_nothing():
    assert limits(quota(throttled_ceiling_mbps=80), MONDAY_NOON, "exceeded") == Limits(10, 5, 50, 20, "throttled")


def test_notify_warning_and_missing_state_never_throttle():
    assert limits(quota(cap_action="notify"), MONDAY_NOON, "exceeded").ceil_down_mbps == 50
    for state in ("within", "warning", "no-cap", None):
        assert limits(quota(), MONDAY_NOON, state).ceil_down_mbps == 50


def test_month_start_on_the_regency_clock():
    # 30 November 20:00 UTC is already 1 December in Jakarta.
    assert month_start(datetime(2026, 11, 30, 20, 0, tzinfo=UTC)) == date(2026, 12, 1)
    assert month_start(datetime(2026, 11, 30, 16, 0, tzinfo=UTC)) == date(2026, 11, 1)


def test_parse_schedule_from_the_api():
    fields = {"weekdays": [0, 1, 2, 3, 4], "start_time": "07:30:00", "end_time": "16:00", "time_zone": "Asia/Jakarta"}
    assert parse_schedule(fields) == OFFICE
    assert parse_schedule(None) is None


def test_the_worst_of_several_sources_usage_states_counts():
    assert worst_state(["within", "exceeded", "no-cap"]) == "exceeded"
    assert worst_state(["within", "warning"]) == "warning"
    assert worst_state(["no-cap", "within"]) == "within"
    assert worst_state([]) is None


def test_quota_of_an_api_row_and_its_schedule():
    row = {"guaranteed_down_mbps": 10, "guaranteed_up_mbps": 5, "ceiling_down_mbps": 50, "ceiling_up_mbps": 20,
           "off_hours_ceiling_down_mbps": 100, "off_hours_ceiling_up_mbps": 40,
           "cap_action": {"value": "throttle", "label": "Throttle to a reduced ceiling"}, "throttled_ceiling_mbps": 2}
    schedule = {"weekdays": [0, 1, 2, 3, 4], "start_time": "07:30:00", "end_time": "16:00:00",
                "time_zone": "Asia/Jakarta"}
    assert quota_of(row, schedule) == quota()
    bare = {field: row[field] for field in ("guaranteed_down_mbps", "guaranteed_up_mbps", "ceiling_down_mbps",
                                            "ceiling_up_mbps")}
    assert quota_of(bare, None) == Quota(10, 5, 50, 20)
