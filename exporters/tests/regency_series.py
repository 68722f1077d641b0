"""Two hours of a small regency's metrics (docs/metrics.md names only), as OpenMetrics with timestamps to backfill
a real Prometheus (prometheus_peers.backfill), so the dashboards' queries can be evaluated on known data.

The regency at ``at`` (the evaluation time), chosen so each panel has something to show and a known answer. Rates
and capacities are bytes per second, as the exporter serves them (docs/metrics.md); the Mbit/s below are those x 8.
The collectors poll every device about every 5 minutes (``POLL``), though not at the same second of every cycle: the
interface and agency counters and the devices' last-poll and last-success timestamps step at each poll and stay flat
between, as on the exporter's /metrics, so only a rate over the polls is right (a plain ``rate()`` is not, see
``polls``). ``core-1`` and ``gw-dinkes`` answer every poll, the last one 290 s before ``at``.

- backbone link ``l1`` (100 Mbit/s, active) between ``core-1`` eth1 (end a: sends 10 Mbit/s, receives 2 Mbit/s) and
  ``gw-dinkes`` ether1 (end b); ``l2`` (status down) from ``core-1`` eth2 (oper down, idle); ``l3`` (active) from
  ``core-1`` eth3 whose oper status is down; ``l4`` (10 Mbit/s) measured at end b only (``gw-dinkes`` ether3
  receives 4 Mbit/s, sends 1), ``l5`` (10 Mbit/s) at end a only (``core-1`` eth4 sends 3 Mbit/s, receives 6);
  ``gw-dinkes`` ether5 is down and administratively down.
- agency ``dinkes``: 8 Mbit/s down and 1 Mbit/s up measured on ``gw-dinkes``, guaranteed 10/2, ceiling 20/5
  Mbit/s, limited off hours; 90 GiB down and 5 GiB up this month against a 100 GiB cap (state warning).
  Agency ``disdik``: no cap, its gateway ``gw-disdik`` failing its polls for the last hour.
- DR plan ``dr-simpeg`` (active): RPO 1 h, RTO 4 h, drilled 100 days ago (passed), due 5 days ago;
  ``dr-web`` (draft): due in 30 days, never drilled.
- compliance: ``dinkes`` 2 of 3 checks (cables not labelled), ``disdik`` 2 of 2.
- the collectors' cycle finished 100 s ago, one job left of three devices, two overruns in the last hour; 12
  over-speed deltas discarded per hour; the exporter's NetBox source failing, Redis fine.
"""

import bisect

STEP = 15
SPAN = 7200
GIB = 1024**3
DAY = 86400
MBIT = 125_000  # one Mbit/s in bytes per second
POLL = 300
LAST_POLL_AGE = 290  # the last poll before ``at`` was this many seconds before it
# How late a poll starts in its cycle, cycle after cycle (the device's job waits its turn in the queue): polls are
# 293 or 314 seconds apart.
POLL_DELAYS = (0, 7, 14)


def regency_openmetrics(at: int) -> str:
    """The regency's samples every ``STEP`` seconds over the ``SPAN`` seconds up to ``at``, one family per metric."""
    times = range(at - SPAN, at + 1, STEP)
    families: dict[str, list[str]] = {}
    for name, labels, value in _series(at):
        label_text = ",".join(f'{key}="{text}"' for key, text in sorted(labels.items()))
        lines = families.setdefault(name, [])
        for moment in times:
            sample = value(moment)
            if sample is not None:
                lines.append(f"{name}{{{label_text}}} {sample} {moment}")
    return "".join(line + "\n" for name in sorted(families) for line in families[name]) + "# EOF\n"


def polls(at: int) -> list[int]:
    """When the collectors polled every device, oldest first: from before the first sample up to ``at``. The last
    two (``at - 583`` and ``at - 290``) are the ones a 10-minute window at ``at`` holds; the one before them is at
    ``at - 876``, so ``rate(x[10m])`` at ``at`` sees 586 seconds of traffic in 600 and is 2.3 % low."""
    return sorted(at - LAST_POLL_AGE - POLL * cycle + POLL_DELAYS[cycle % len(POLL_DELAYS)]
                  for cycle in range(SPAN // POLL + 2))


def metric_names(at: int) -> set[str]:
    """The metric names the regency uses (to hold it to docs/metrics.md as well)."""
    return {name for name, _, _ in _series(at)}


def _constant(value):
    return lambda _moment: value


def _counter(per_second: float, start: int):
    """A counter growing ``per_second`` from 0 at ``start``."""
    return lambda moment: per_second * (moment - start)


def _last_poll(times: list[int]):
    """The time of the last poll at or before a moment."""
    return lambda moment: times[bisect.bisect_right(times, moment) - 1]


def _polled(per_second: float, times: list[int]):
    """A counter of the collectors: ``per_second`` since the first poll, stepping at each poll."""
    last = _last_poll(times)
    return lambda moment: per_second * (last(moment) - times[0])


def _device(name: str, site: str, agency: str) -> dict:
    return {"device": name, "site": site, "agency": agency}


def _series(at: int) -> list[tuple[str, dict, object]]:
    start = at - SPAN
    times = polls(at)
    core = _device("core-1", "noc", "")
    gw_dinkes = _device("gw-dinkes", "kantor-dinkes", "dinkes")
    gw_disdik = _device("gw-disdik", "kantor-disdik", "disdik")
    failing_since = at - 3600
    series = []
    for device, up in ((core, 1), (gw_dinkes, 1)):
        series += [
            ("egov_device_up", device, _constant(up)),
            ("egov_device_poll_duration_seconds", device, _constant(2.5)),
            ("egov_device_poll_values", device, _constant(400)),
            ("egov_device_last_poll_timestamp_seconds", device, _last_poll(times)),
            ("egov_device_last_success_timestamp_seconds", device, _last_poll(times)),
            ("egov_device_polls_total", device, lambda moment: bisect.bisect_right(times, moment)),
        ]
    series += [
        ("egov_device_up", gw_disdik, lambda moment: 1 if moment < failing_since else 0),
        ("egov_device_last_poll_timestamp_seconds", gw_disdik, _last_poll(times)),
        ("egov_device_poll_duration_seconds", gw_disdik, _constant(30.0)),
        ("egov_device_poll_values", gw_disdik, _constant(0)),
        ("egov_device_last_success_timestamp_seconds", gw_disdik,
         lambda moment: moment - 60 if moment < failing_since else failing_since),
        ("egov_device_poll_failures_total", gw_disdik, lambda moment: max(0, moment - failing_since) // 60),
        ("egov_device_discarded_deltas_total", {**gw_dinkes, "reason": "over-speed"}, _counter(12 / 3600, start)),
    ]
    # Interfaces: (device, name, oper, admin, bytes sent/s, bytes received/s).
    for device, interface, oper, admin, sent, received in (
        (core, "eth1", 1, 1, 10 * MBIT, 2 * MBIT),
        (core, "eth2", 2, 1, 0, 0),
        (core, "eth3", 2, 1, 0, 0),
        (core, "eth4", 1, 1, 3 * MBIT, 6 * MBIT),
        (gw_dinkes, "ether3", 1, 1, 1 * MBIT, 4 * MBIT),
        (gw_dinkes, "ether1", 1, 1, 2 * MBIT, 10 * MBIT),
        (gw_dinkes, "ether5", 2, 2, 0, 0),
    ):
        labels = {**device, "interface": interface}
        series += [
            ("egov_interface_oper_status", labels, _constant(oper)),
            ("egov_interface_admin_status", labels, _constant(admin)),
            ("egov_interface_speed_bytes_per_second", labels, _constant(1000 * MBIT)),
            ("egov_interface_sent_bytes_total", labels, _polled(sent, times)),
            ("egov_interface_received_bytes_total", labels, _polled(received, times)),
            ("egov_interface_receive_errors_total", labels, _polled(0.5 if interface == "eth1" else 0, times)),
            ("egov_interface_transmit_errors_total", labels, _polled(0, times)),
            ("egov_interface_receive_discards_total", labels, _polled(0, times)),
            ("egov_interface_transmit_discards_total", labels, _polled(2 if interface == "ether1" else 0, times)),
        ]
    for link, status, site_b, capacity, ends in (
        ("l1", "active", "kantor-dinkes", 100 * MBIT, (("a", "core-1", "eth1"), ("b", "gw-dinkes", "ether1"))),
        ("l2", "down", "kantor-disdik", 100 * MBIT, (("a", "core-1", "eth2"),)),
        ("l3", "active", "kantor-bappeda", 50 * MBIT, (("a", "core-1", "eth3"),)),
        ("l4", "active", "kantor-dinkes", 10 * MBIT, (("b", "gw-dinkes", "ether3"),)),
        ("l5", "active", "kantor-disdik", 10 * MBIT, (("a", "core-1", "eth4"),)),
    ):
        link_labels = {"link": link, "site_a": "noc", "site_b": site_b, "medium": "fiber"}
        series.append(("egov_backbone_link_capacity_bytes_per_second", link_labels, _constant(capacity)))
        series += [("egov_backbone_link_status", {**link_labels, "status": state}, _constant(int(state == status)))
                   for state in ("active", "planned", "down", "decommissioned")]
        series += [("egov_backbone_link_endpoint_info", {**link_labels, "device": device, "interface": interface,
                                                         "end": end}, _constant(1))
                   for end, device, interface in ends]
    series += _quotas(times, gw_dinkes)
    series += _dr_plans(at)
    series += _compliance()
    series += _monitoring(at, start)
    return series


def _quotas(times: list[int], gw_dinkes: dict) -> list:
    dinkes, disdik = {"agency": "dinkes"}, {"agency": "disdik"}
    series = [
        ("egov_agency_bytes_total", {**gw_dinkes, "source": "queue", "direction": "down"}, _polled(8 * MBIT, times)),
        ("egov_agency_bytes_total", {**gw_dinkes, "source": "queue", "direction": "up"}, _polled(1 * MBIT, times)),
        ("egov_quota_info", {**dinkes, "device": "gw-dinkes", "interface": "ether2", "site": "kantor-dinkes",
                             "cap_action": "throttle"}, _constant(1)),
        ("egov_quota_info", {**disdik, "device": "gw-disdik", "interface": "ether2", "site": "kantor-disdik",
                             "cap_action": "notify"}, _constant(1)),
        ("egov_quota_monthly_cap_bytes", dinkes, _constant(100 * GIB)),
        ("egov_quota_month_usage_bytes", {**dinkes, "direction": "down"}, _constant(90 * GIB)),
        ("egov_quota_month_usage_bytes", {**dinkes, "direction": "up"}, _constant(5 * GIB)),
        ("egov_quota_month_usage_bytes", {**disdik, "direction": "down"}, _constant(3 * GIB)),
        ("egov_quota_month_usage_bytes", {**disdik, "direction": "up"}, _constant(1 * GIB)),
    ]
    for agency, guaranteed, ceiling in ((dinkes, (10, 2), (20, 5)), (disdik, (5, 1), (10, 2))):  # Mbit/s
        for index, direction in enumerate(("down", "up")):
            labels = {**agency, "direction": direction}
            series += [("egov_quota_guaranteed_bytes_per_second", labels, _constant(guaranteed[index] * MBIT)),
                       ("egov_quota_ceiling_bytes_per_second", labels, _constant(ceiling[index] * MBIT))]
    for agency, state, reason in ((dinkes, "warning", "off-hours"), (disdik, "no-cap", "none")):
        series += [("egov_quota_month_state", {**agency, "state": name}, _constant(int(name == state)))
                   for name in ("within", "warning", "exceeded", "no-cap")]
        series += [("egov_quota_limited", {**agency, "reason": name}, _constant(int(name == reason)))
                   for name in ("none", "off-hours", "throttled")]
    return series


def _dr_plans(at: int) -> list:
    simpeg = {"plan": "dr-simpeg", "primary_site": "noc", "dr_site": "dc-dr"}
    web = {"plan": "dr-web", "primary_site": "noc", "dr_site": "dc-dr"}
    series = [
        ("egov_dr_plan_rpo_seconds", simpeg, _constant(3600)),
        ("egov_dr_plan_rto_seconds", simpeg, _constant(4 * 3600)),
        ("egov_dr_plan_last_drill_timestamp_seconds", simpeg, _constant(at - 100 * DAY)),
        ("egov_dr_plan_last_drill_succeeded", simpeg, _constant(1)),
        ("egov_dr_plan_next_drill_due_timestamp_seconds", simpeg, _constant(at - 5 * DAY)),
        ("egov_dr_plan_rpo_seconds", web, _constant(86400)),
        ("egov_dr_plan_rto_seconds", web, _constant(2 * 86400)),
        ("egov_dr_plan_next_drill_due_timestamp_seconds", web, _constant(at + 30 * DAY)),
    ]
    for plan, status in ((simpeg, "active"), (web, "draft")):
        series += [("egov_dr_plan_status", {**plan, "status": name}, _constant(int(name == status)))
                   for name in ("draft", "active", "retired")]
    return series


def _compliance() -> list:
    checks = {"dinkes": {"has_ict_officer": 1, "cables_labelled": 0, "quota_assigned": 1},
              "disdik": {"has_ict_officer": 1, "systems_in_data_center": 1}}
    series = []
    for agency, results in checks.items():
        series += [("egov_compliance_check", {"agency": agency, "check": check}, _constant(passed))
                   for check, passed in results.items()]
        series.append(("egov_compliance_score_ratio", {"agency": agency},
                       _constant(sum(results.values()) / len(results))))
    return series


def _monitoring(at: int, start: int) -> list:
    return [
        ("egov_collector_cycle_started_timestamp_seconds", {}, lambda moment: moment - 30),
        ("egov_collector_cycle_finished_timestamp_seconds", {}, lambda moment: moment - 100),
        ("egov_collector_cycle_devices", {}, _constant(3)),
        ("egov_collector_cycle_jobs_left", {}, _constant(1)),
        # One overrun before the last hour, two within it (at - 1800 and at - 900).
        ("egov_collector_cycle_overruns_total", {},
         lambda moment: (moment >= start + 600) + (moment >= at - 1800) + (moment >= at - 900)),
        ("egov_exporter_source_up", {"source": "redis"}, _constant(1)),
        ("egov_exporter_source_up", {"source": "netbox"}, _constant(0)),
        ("egov_exporter_source_last_success_timestamp_seconds", {"source": "redis"}, lambda moment: moment - 5),
        ("egov_exporter_source_last_success_timestamp_seconds", {"source": "netbox"}, _constant(at - 1200)),
        ("egov_exporter_source_duration_seconds", {"source": "redis"}, _constant(0.05)),
        ("egov_exporter_source_duration_seconds", {"source": "netbox"}, _constant(2.0)),
        ("egov_exporter_build_info", {"version": "0.1.0"}, _constant(1)),
    ]
