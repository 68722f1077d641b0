"""NetBox's side of /metrics (docs/metrics.md, "From NetBox (REST)"): the quotas with the rates and ceilings in
force now, backbone links, DR plans, the compliance scorecard and the domain lists; and each device's site and
agency, which label the collectors' series.

Read over NetBox's REST API with a read-only token at most every ``interval`` seconds; between refreshes, and
after a failed one, the families of the last good refresh are served. The token needs view on devices, sites,
tenants, interfaces and cables, and on the plugin's bandwidth quotas, schedules, quota usage, backbone links, DR
plans and domain lists. A related object it may not view reads as absent (NetBox nulls it), so a quota whose
schedule is hidden would show its office-hours ceilings at all hours.

A refresh costs the same few requests whatever the regency's size: one list each (``limit=1000`` pages,
``fields=`` keeps the rows small) of devices, quotas, their schedules, this month's usage rows, backbone links,
their cables (by id, 100 ids a request), DR plans, domain lists, and the compliance scorecard: nine requests at
Klaten's size, seven when no quota has a schedule and no link a cable.

The ceilings in force come from egov_push.effective, the rule the gateways are pushed with, evaluated at the
refresh: they follow a schedule boundary at most ``interval`` seconds late. The month's usage of an agency is the
sum of its sources' rows (one per gateway that measures it) and its state the worst row's, as the push takes it.
"""

import logging
import threading
import time
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import requests
from prometheus_client.core import GaugeMetricFamily

from egov_push.effective import REGENCY_TZ, USAGE_STATES, limits, month_start, now, quota_of, worst_state

from .sources import SourceStatus

log = logging.getLogger(__name__)

PAGE_SIZE = 1000  # NetBox's default MAX_PAGE_SIZE; a NetBox configured lower just answers in more pages
ID_CHUNK = 100  # ids per filtered request: the request line stays short (gunicorn refuses more than 4094 bytes)
MBIT = 10**6 // 8  # NetBox's rates are in Mbit/s; the metrics in bytes per second (docs/metrics.md)
GIB = 2**30  # a monthly cap's GB, as the plugin counts it (netbox_egov.logic.quota)
MINUTE, HOUR = 60, 3600
DIRECTIONS = {"down": "bytes_in", "up": "bytes_out"}  # bytes_in is what the agency received: its download

DEVICE_FIELDS = "id,name,site,tenant"
QUOTA_FIELDS = ("tenant,guaranteed_down_mbps,guaranteed_up_mbps,ceiling_down_mbps,ceiling_up_mbps,schedule,"
                "off_hours_ceiling_down_mbps,off_hours_ceiling_up_mbps,monthly_cap_gb,cap_action,"
                "throttled_ceiling_mbps,enforcement_device,enforcement_interface")
SCHEDULE_FIELDS = "id,time_zone,weekdays,start_time,end_time"
USAGE_FIELDS = "tenant,bytes_in,bytes_out,state"
LINK_FIELDS = "name,site_a,site_b,medium,capacity_mbps,status,cable"
CABLE_FIELDS = "id,a_terminations,b_terminations"
PLAN_FIELDS = ("name,primary_site,dr_site,status,rpo_minutes,rto_minutes,last_drill_date,last_drill_result,"
               "next_drill_due")
LIST_FIELDS = "name,category,source,refresh_hours,domain_count,feed_status,last_success"

# The state sets' values (docs/metrics.md), each one a series.
LIMIT_REASONS = ("none", "off-hours", "throttled")
LINK_STATUSES = ("active", "planned", "down", "decommissioned")
PLAN_STATUSES = ("draft", "active", "retired")
FEED_STATUSES = ("never", "ok", "unchanged", "unreachable", "refused")


class NetBoxError(Exception):
    """NetBox did not answer a request usefully; the message names the path and the status, never the token."""


class NetBoxSource:
    """NetBox's metric families and device labels, refreshed at most every ``interval`` seconds.

    ``url`` is NetBox's own address (``https://netbox.example/``), ``timeout`` bounds each request. ``status``
    tells how the last refresh went (``up``, ``last_success`` as epoch seconds, ``duration_seconds``).

    A refresh runs in a thread of its own and a scrape waits for it at most ``wait`` seconds: a NetBox that is slow
    or silent (its requests time out one by one) never holds a scrape past Prometheus' scrape timeout (10 s by
    default), so the collectors' series and ``egov_exporter_source_up{source="netbox"} 0`` still reach it.
    """

    def __init__(self, url, token, *, interval=60.0, timeout=10.0, wait=5.0):
        self.url = checked_url(url)
        if not isinstance(token, str) or not token:
            raise ValueError("token is empty: give a read-only NetBox API token")
        self.interval = checked_seconds("interval", interval, zero_allowed=True)  # 0: NetBox at every scrape
        self.timeout = checked_seconds("timeout", timeout)
        self.wait = checked_seconds("wait", wait)
        self.status = SourceStatus()
        self._client = Client(self.url + "api/", token, self.timeout)
        self._lock = threading.Lock()  # guards the two fields below
        self._attempted = None  # time.monotonic() of the last refresh attempt
        self._refreshing = None  # the thread of the refresh under way, if any
        # Families and labels of one read, replaced together: a scrape never mixes two reads.
        self._answer = ([], {})

    def __repr__(self):
        return f"NetBoxSource({self.url!r}, interval={self.interval}, timeout={self.timeout})"  # never the token

    def snapshot(self):
        """(the metric families, the device labels) of the last good refresh; a refresh is started first when
        ``interval`` has passed since the last attempt, and waited for at most ``wait`` seconds. Never raises:
        no family and no label before a first success. The labels map device name -> {"site": site slug,
        "agency": tenant slug or ""} for every device the token may view; read it, do not change it."""
        refreshing = self._start_refresh_if_due()
        if refreshing is not None:
            refreshing.join(self.wait)
        families, labels = self._answer
        return list(families), labels

    def collect(self):
        """The metric families of ``snapshot()``."""
        return self.snapshot()[0]

    def device_labels(self):
        """The device labels of ``snapshot()``."""
        return self.snapshot()[1]

    def _start_refresh_if_due(self):
        with self._lock:
            if self._refreshing is None and (self._attempted is None
                                             or time.monotonic() - self._attempted >= self.interval):
                self._attempted = time.monotonic()
                self._refreshing = threading.Thread(target=self._refresh, name="netbox-refresh", daemon=True)
                self._refreshing.start()
            return self._refreshing

    def _refresh(self):
        started = time.perf_counter()
        try:
            self._answer = read(self._client, now())
        except NetBoxError as error:
            self._failed(started, str(error))
        except Exception as error:  # a scrape must never fail over an answer this exporter cannot read
            self._failed(started, f"an answer this exporter cannot read ({type(error).__name__}: {error})")
        else:
            self.status = SourceStatus(up=True, last_success=time.time(),
                                       duration_seconds=time.perf_counter() - started)
        finally:
            with self._lock:
                self._refreshing = None

    def _failed(self, started, reason):
        log.warning("NetBox at %s: %s; serving the last good answer", self.url, reason)
        self.status = SourceStatus(up=False, last_success=self.status.last_success,
                                   duration_seconds=time.perf_counter() - started)


def checked_url(url):
    """NetBox's address with one trailing slash; ValueError naming ``url`` unless it is http(s) with a host."""
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"url {url!r} is not NetBox's http:// or https:// address")
    return url.rstrip("/") + "/"


def checked_seconds(name, value, zero_allowed=False):
    """``value`` as a float; ValueError naming ``name`` unless it is a number above 0 (or 0, if allowed)."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or not (value > 0 or (zero_allowed and value == 0)):
        raise ValueError(f"{name} {value!r} is not a number of seconds {'of 0 or more' if zero_allowed else 'above 0'}")
    return float(value)


def authorization(token):
    """The Authorization header NetBox 4.7 reads: Bearer for v2 tokens (``nbt_<key>.<secret>``), else v1's."""
    return f"{'Bearer' if token.startswith('nbt_') else 'Token'} {token}"


class Client:
    """GET requests to NetBox's REST API at ``api_url``; lists in pages of ``page_size``, ids ``id_chunk`` a time."""

    def __init__(self, api_url, token, timeout, page_size=PAGE_SIZE, id_chunk=ID_CHUNK):
        self.api_url = api_url
        self.timeout = timeout
        self.page_size = page_size
        self.id_chunk = id_chunk
        self.session = requests.Session()
        self.session.headers.update({"Authorization": authorization(token), "Accept": "application/json"})

    def get(self, path, **params):
        """The JSON answer of GET ``path`` (relative to the API); NetBoxError for anything but a 2xx JSON one."""
        where = urlsplit(self.api_url + path).path
        try:
            response = self.session.get(self.api_url + path, params=params, timeout=self.timeout)
        except requests.RequestException as error:
            raise NetBoxError(f"GET {where} failed: {type(error).__name__}") from error
        if not response.ok:
            raise NetBoxError(f"GET {where} answered {response.status_code} {response.reason}")
        try:
            return response.json()
        except ValueError:
            raise NetBoxError(f"GET {where} answered {response.status_code} without JSON (a proxy's page?)") from None

    def rows(self, path, **params):
        """Every row of a list, page by page, once each. By offset rather than NetBox's ``next`` link: NetBox
        writes that with the host it was asked as, which behind a proxy need not be the address used here. Pages
        are ordered by id and rows kept by id: a row added or removed between two pages shifts the offsets, and
        a row read twice would become a duplicate series, which makes Prometheus refuse the whole scrape."""
        if "fields" in params and "id" not in params["fields"].split(","):
            params["fields"] = f"id,{params['fields']}"
        rows, offset = {}, 0
        while True:
            page = self.get(path, limit=self.page_size, offset=offset, ordering="id", **params)
            offset += len(page["results"])
            rows.update((row["id"], row) for row in page["results"])
            if not page["results"] or offset >= page["count"]:
                return list(rows.values())

    def by_id(self, path, ids, **params):
        """{id: row} of the objects with these ids; no request without ids."""
        ids = sorted(ids)
        return {row["id"]: row for start in range(0, len(ids), self.id_chunk)
                for row in self.rows(path, id=ids[start:start + self.id_chunk], **params)}


def read(client, at):
    """(the metric families, the device labels) of what NetBox holds, the quotas evaluated at ``at``."""
    devices = client.rows("dcim/devices/", fields=DEVICE_FIELDS)
    quotas = client.rows("plugins/egov/bandwidth-quotas/", fields=QUOTA_FIELDS)
    schedules = client.by_id("plugins/egov/schedules/", {quota["schedule"]["id"] for quota in quotas
                                                         if quota.get("schedule")}, fields=SCHEDULE_FIELDS)
    usage = client.rows("plugins/egov/quota-usage/", period="month", period_start=month_start(at).isoformat(),
                        fields=USAGE_FIELDS)
    links = client.rows("plugins/egov/backbone-links/", fields=LINK_FIELDS)
    cables = client.by_id("dcim/cables/", {link["cable"]["id"] for link in links if link.get("cable")},
                          fields=CABLE_FIELDS)
    device_sites = {device["id"]: slug(device.get("site")) for device in devices}
    families = [
        *quota_families(quotas, schedules, usage, device_sites, at),
        *backbone_families(links, cables),
        *dr_plan_families(client.rows("plugins/egov/dr-plans/", fields=PLAN_FIELDS)),
        *domain_list_families(client.rows("plugins/egov/domain-lists/", fields=LIST_FIELDS)),
        *compliance_families(client.get("plugins/egov/compliance/")),
    ]
    return families, device_labels(devices)


def device_labels(devices):
    # Device names are unique per site only: of two namesakes, the later row's labels stand.
    return {device["name"]: {"site": slug(device.get("site")), "agency": slug(device.get("tenant"))}
            for device in devices if device.get("name")}


def slug(nested):
    return (nested or {}).get("slug") or ""


def value(choice):
    """A choice field's value ("" when unset or blank)."""
    return (choice or {}).get("value") or ""


def add_state_set(family, labels, states, current):
    """One series per state: 1 for those in ``current``, 0 for the others."""
    for state in states:
        family.add_metric([*labels, state], 1 if state in current else 0)


def timestamp(day):
    """An API date ("2026-01-15") as the epoch seconds of its midnight in Asia/Jakarta."""
    return datetime.fromisoformat(day).replace(tzinfo=ZoneInfo(REGENCY_TZ)).timestamp()


def quota_families(quotas, schedules, usage, device_sites, at):
    """Pasal 10 quotas: per agency with a quota, what is in force at ``at`` and the month's volume."""
    guaranteed = GaugeMetricFamily("egov_quota_guaranteed_bytes_per_second",
                                   "The guaranteed rate in force now (lowered by throttling, like the push)",
                                   labels=["agency", "direction"])
    ceiling = GaugeMetricFamily("egov_quota_ceiling_bytes_per_second",
                                "The ceiling in force now: office hours, off hours or throttled",
                                labels=["agency", "direction"])
    limited = GaugeMetricFamily("egov_quota_limited", "Why the ceilings in force are not the office-hours ones",
                                labels=["agency", "reason"])
    info = GaugeMetricFamily("egov_quota_info", "The quota's enforcement point",
                             labels=["agency", "device", "interface", "site", "cap_action"])
    cap = GaugeMetricFamily("egov_quota_monthly_cap_bytes", "The monthly volume cap", labels=["agency"])
    used = GaugeMetricFamily("egov_quota_month_usage_bytes",
                             "This month's volume so far (Asia/Jakarta month), NetBox's total",
                             labels=["agency", "direction"])
    month_state = GaugeMetricFamily("egov_quota_month_state", "This month's usage state against the cap",
                                    labels=["agency", "state"])
    rows = {}
    for row in usage:
        if row.get("tenant"):
            rows.setdefault(row["tenant"]["slug"], []).append(row)
    for quota in quotas:
        if not quota.get("tenant"):
            continue  # its agency is hidden from the token: nothing to label the series with
        agency = quota["tenant"]["slug"]
        mine = rows.get(agency, [])
        state = worst_state(row["state"] for row in mine)  # None while NetBox holds no row for the month
        rule = quota_of(quota, schedules.get((quota.get("schedule") or {}).get("id")))
        in_force = limits(rule, at, state)
        for direction in DIRECTIONS:
            guaranteed.add_metric([agency, direction], getattr(in_force, f"rate_{direction}_mbps") * MBIT)
            ceiling.add_metric([agency, direction], getattr(in_force, f"ceil_{direction}_mbps") * MBIT)
        # effective.Limits.reason joins the reasons that apply with ", " ("off-hours, throttled").
        add_state_set(limited, [agency], LIMIT_REASONS, set(in_force.reason.split(", ")) if in_force.reason
                      else {"none"})
        device, interface = quota.get("enforcement_device") or {}, quota.get("enforcement_interface") or {}
        info.add_metric([agency, device.get("name") or "", interface.get("name") or "",
                         device_sites.get(device.get("id"), ""), rule.cap_action], 1)
        if quota.get("monthly_cap_gb") is not None:
            cap.add_metric([agency], quota["monthly_cap_gb"] * GIB)
        if mine:
            for direction, field in DIRECTIONS.items():
                used.add_metric([agency, direction], sum(row[field] for row in mine))
        add_state_set(month_state, [agency], USAGE_STATES, {state})
    return [guaranteed, ceiling, limited, info, cap, used, month_state]


def backbone_families(links, cables):
    """Pasal 9 backbone links: capacity, status, and the device interfaces at the ends of each link's cable."""
    labels = ["link", "site_a", "site_b", "medium"]
    capacity = GaugeMetricFamily("egov_backbone_link_capacity_bytes_per_second", "The link's documented capacity",
                                 labels=labels)
    status = GaugeMetricFamily("egov_backbone_link_status", "The link's status in NetBox",
                               labels=[*labels, "status"])
    endpoint = GaugeMetricFamily("egov_backbone_link_endpoint_info", "A device interface at an end of the link's cable",
                                 labels=[*labels, "device", "interface", "end"])
    for link in links:
        values = [link["name"], slug(link.get("site_a")), slug(link.get("site_b")), value(link.get("medium"))]
        capacity.add_metric(values, link["capacity_mbps"] * MBIT)
        add_state_set(status, values, LINK_STATUSES, {value(link.get("status"))})
        for end, device, interface in cable_interfaces(cables.get((link.get("cable") or {}).get("id"))):
            endpoint.add_metric([*values, device, interface, end], 1)
    return [capacity, status, endpoint]


def cable_interfaces(cable):
    """(end, device name, interface name) of each termination of ``cable`` (an API row, or None) on an interface."""
    for end in ("a", "b"):
        for termination in (cable or {}).get(f"{end}_terminations") or ():
            interface = termination.get("object")
            if termination.get("object_type") == "dcim.interface" and interface:
                yield end, (interface.get("device") or {}).get("name") or "", interface["name"]


def dr_plan_families(plans):
    """Pasal 9 DR plans: objectives, drills, status."""
    labels = ["plan", "primary_site", "dr_site"]
    rpo = GaugeMetricFamily("egov_dr_plan_rpo_seconds", "The plan's recovery point objective", labels=labels)
    rto = GaugeMetricFamily("egov_dr_plan_rto_seconds", "The plan's recovery time objective", labels=labels)
    last_drill = GaugeMetricFamily("egov_dr_plan_last_drill_timestamp_seconds",
                                   "The last drill's date, midnight Asia/Jakarta", labels=labels)
    next_due = GaugeMetricFamily("egov_dr_plan_next_drill_due_timestamp_seconds",
                                 "When the next drill is due, midnight Asia/Jakarta", labels=labels)
    status = GaugeMetricFamily("egov_dr_plan_status", "The plan's status", labels=[*labels, "status"])
    succeeded = GaugeMetricFamily("egov_dr_plan_last_drill_succeeded",
                                  "1 when the last drill passed, 0 when it partially passed or failed", labels=labels)
    for plan in plans:
        values = [plan["name"], slug(plan.get("primary_site")), slug(plan.get("dr_site"))]
        rpo.add_metric(values, plan["rpo_minutes"] * MINUTE)
        rto.add_metric(values, plan["rto_minutes"] * MINUTE)
        if plan.get("last_drill_date"):
            last_drill.add_metric(values, timestamp(plan["last_drill_date"]))
        if plan.get("next_drill_due"):
            next_due.add_metric(values, timestamp(plan["next_drill_due"]))
        add_state_set(status, values, PLAN_STATUSES, {value(plan.get("status"))})
        if result := value(plan.get("last_drill_result")):
            succeeded.add_metric(values, 1 if result == "passed" else 0)
    return [rpo, rto, last_drill, next_due, status, succeeded]


def domain_list_families(lists):
    """Pasal 10 site filtering: each domain list's size; a feed's refresh interval, last success and status."""
    labels = ["list", "category"]
    domains = GaugeMetricFamily("egov_domain_list_domains", "Domains in the list", labels=labels)
    interval = GaugeMetricFamily("egov_domain_list_refresh_interval_seconds", "How often the feed is refreshed",
                                 labels=labels)
    last_success = GaugeMetricFamily("egov_domain_list_last_success_timestamp_seconds",
                                     "The feed's last successful refresh", labels=labels)
    status = GaugeMetricFamily("egov_domain_list_feed_status", "How the feed's last refresh went",
                               labels=[*labels, "status"])
    for domain_list in lists:
        values = [domain_list["name"], value(domain_list.get("category"))]
        domains.add_metric(values, domain_list["domain_count"])
        if value(domain_list.get("source")) != "feed":
            continue  # typed or uploaded: never refreshed
        interval.add_metric(values, domain_list["refresh_hours"] * HOUR)
        if domain_list.get("last_success"):
            last_success.add_metric(values, datetime.fromisoformat(domain_list["last_success"]).timestamp())
        add_state_set(status, values, FEED_STATUSES, {value(domain_list.get("feed_status"))})
    return [domains, interval, last_success, status]


def compliance_families(scorecard):
    """The compliance scorecard: each applicable check per agency, and the share passed."""
    check = GaugeMetricFamily("egov_compliance_check", "1 when the agency complies with the check, 0 when not",
                              labels=["agency", "check"])
    score = GaugeMetricFamily("egov_compliance_score_ratio", "The share of applicable checks the agency passes",
                              labels=["agency"])
    for row in scorecard:
        agency = row["agency"]["slug"]
        applicable = {name: passed for name, passed in row["checks"].items() if passed is not None}
        for name, passed in applicable.items():
            check.add_metric([agency, name], 1 if passed else 0)
        if applicable:
            score.add_metric([agency], sum(applicable.values()) / len(applicable))
    return [check, score]
