"""The collectors' data in Redis (docs/collector-data.md) as Prometheus metric families, read at every scrape.

``RedisSource.collect`` reads every device written within the store's ``ttl`` (``CollectorStore.read_all``: one
pipelined MULTI/EXEC per 500 devices, each JSON record parsed once) and the collectors' cycle record, and builds the
"From the collectors (Redis)" families of docs/metrics.md. The ``site`` and ``agency`` of a device come from
NetBox (``device_labels``, the NetBox source's mapping), so they follow NetBox when a device moves; a device NetBox
does not know has them empty.

A scrape of 500 devices x 48 interfaces makes about 300,000 samples, so the interface loop does as little as it
can per sample: one label dict per interface shared by its value samples, the values of an interface read in one
``attrgetter`` call, samples appended to the families' lists directly (``Metric.add_sample`` without the call).
"""

import logging
import time
from collections.abc import Mapping
from operator import attrgetter

import redis
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.samples import Sample

from egov_collectors.counters import DISCARDS
from egov_collectors.store import CollectorStore, DeviceData

from .sources import SourceStatus

log = logging.getLogger(__name__)

REDIS_TIMEOUT = 5.0  # seconds to connect or answer: a hung Redis must not hold the scrape past Prometheus' timeout
DEVICE = ("device", "site", "agency")
INTERFACE = (*DEVICE, "interface")
UNKNOWN: Mapping[str, str] = {}  # the labels of a device NetBox does not know: site and agency empty

# InterfaceCounters field -> (metric, type, help), exported as they are; "A counter the device did not answer has
# no series". The speed, converted to bytes per second, has its family apart.
INTERFACE_VALUES = (
    ("in_octets", "egov_interface_received_bytes", "counter",
     "Bytes received: ifHCInOctets (ifInOctets where the device has no ifXTable)"),
    ("out_octets", "egov_interface_sent_bytes", "counter",
     "Bytes sent: ifHCOutOctets (ifOutOctets where the device has no ifXTable)"),
    ("in_ucast_packets", "egov_interface_received_packets", "counter", "Unicast packets received"),
    ("out_ucast_packets", "egov_interface_sent_packets", "counter", "Unicast packets sent"),
    ("in_errors", "egov_interface_receive_errors", "counter", "ifInErrors"),
    ("out_errors", "egov_interface_transmit_errors", "counter", "ifOutErrors"),
    ("in_discards", "egov_interface_receive_discards", "counter", "ifInDiscards"),
    ("out_discards", "egov_interface_transmit_discards", "counter", "ifOutDiscards"),
    ("oper_status", "egov_interface_oper_status", "gauge",
     "IF-MIB ifOperStatus: 1 up, 2 down, 3 testing, 5 dormant, 7 lowerLayerDown"),
    ("admin_status", "egov_interface_admin_status", "gauge", "IF-MIB ifAdminStatus: 1 up, 2 down, 3 testing"),
)
_interface_values = attrgetter(*(field for field, *_ in INTERFACE_VALUES))

# <p>:cycle field -> gauge; absent fields (no cycle yet, the first one still running) have no series.
CYCLE_GAUGES = (
    ("started", "egov_collector_cycle_started_timestamp_seconds", "When the current (or last) cycle started"),
    ("finished", "egov_collector_cycle_finished_timestamp_seconds", "When the last cycle finished"),
    ("devices", "egov_collector_cycle_devices", "Devices planned in the cycle"),
    ("left", "egov_collector_cycle_jobs_left", "Jobs of the cycle not done yet"),
)


class RedisSource:
    """The collectors' data, read from Redis at every scrape. Never raises: an outage or unreadable data gives no
    families and ``status.up`` False, so the rest of the scrape is still served."""

    def __init__(self, store: CollectorStore):
        self.store = store
        self.status = SourceStatus()
        self._failure = ""  # the last failure logged, so an outage is logged when it starts, not at every scrape

    @classmethod
    def from_url(cls, url: str, prefix: str) -> "RedisSource":
        client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
        return cls(CollectorStore(client, prefix=prefix))

    @property
    def cycle_key(self) -> str:
        return f"{self.store.prefix}:cycle"

    def collect(self, device_labels: Mapping[str, Mapping[str, str]] | None = None) -> list[Metric]:
        """The families of every device written within the store's ttl; ``device_labels``: device name ->
        {"site": slug, "agency": slug}."""
        started = time.monotonic()
        now = time.time()
        try:
            devices = self.store.read_all(now=now)
            cycle = self.store.client.hgetall(self.cycle_key)
            families = device_families(devices, device_labels or {}, fresh_since=now - self.store.ttl)
            families += cycle_families(cycle)
        except redis.RedisError as error:  # names host and port, never a password of the URL
            return self._failed(f"Redis is unavailable: {error}")
        except Exception as error:  # a record not as docs/collector-data.md says: never a failed scrape
            return self._failed(f"unreadable collector data in Redis: {error!r}")
        finally:
            self.status.duration_seconds = time.monotonic() - started
        if self._failure:
            log.info("the collectors' data in Redis is readable again")
        self.status.up, self.status.last_success, self._failure = True, now, ""
        return families

    def _failed(self, failure: str) -> list[Metric]:
        if failure != self._failure:
            log.warning("%s (its metrics are left out of the scrape)", failure)
        self.status.up, self._failure = False, failure
        return []


def discard_counts(device: DeviceData) -> dict[str, int]:
    """The device's dropped deltas per reason; every reason from 0 on a device measuring an agency, so that a
    rate or an increase of the counter is defined before the first drop (docs/metrics.md)."""
    zeros = dict.fromkeys(DISCARDS, 0) if device.agencies else {}
    return zeros | dict(device.discards)


def device_families(devices: list[DeviceData], device_labels: Mapping[str, Mapping[str, str]],
                    fresh_since: float) -> list[Metric]:
    """The per-device, per-interface and per-agency families of ``devices``. An agency counter read before
    ``fresh_since`` is left out: the collectors keep an agency's last read for days (to resume from it), also
    after failed polls or once the agency moved to another gateway, and a counter that old is not the present."""
    health = _HealthFamilies()
    interfaces = _InterfaceFamilies()
    agency = CounterMetricFamily("egov_agency_bytes", "Raw byte counter of the source that measures the agency on "
                                 "the device: direction down (its download) or up (its upload)",
                                 labels=("agency", "device", "site", "source", "direction"))
    discarded = CounterMetricFamily("egov_device_discarded_deltas", "Agency counter deltas dropped, by reason",
                                    labels=(*DEVICE, "reason"))
    for device in devices:
        where = device_labels.get(device.device, UNKNOWN)
        site, tenant = where.get("site", ""), where.get("agency", "")
        labels = (device.device, site, tenant)
        if device.health is not None:
            health.add(labels, device.health)
        interfaces.add(labels, device.interfaces)
        for state in device.agencies:
            counters = state.baseline
            if counters is not None and counters.at >= fresh_since:
                agency.add_metric((state.tenant, device.device, site, counters.kind, "down"), counters.down)
                agency.add_metric((state.tenant, device.device, site, counters.kind, "up"), counters.up)
        for reason, count in sorted(discard_counts(device).items()):
            discarded.add_metric((*labels, reason), count)
    return [*health.families, discarded, *interfaces.families, agency]


def cycle_families(cycle: Mapping[bytes, bytes]) -> list[Metric]:
    """``egov_collector_cycle_*`` from the cycle's hash as Redis gave it (empty before the first cycle)."""
    fields = {key.decode(): value.decode() for key, value in cycle.items()}
    families = []
    for field, name, documentation in CYCLE_GAUGES:
        family = GaugeMetricFamily(name, documentation)
        if fields.get(field):
            family.add_metric((), float(fields[field]))
        families.append(family)
    overruns = CounterMetricFamily("egov_collector_cycle_overruns",
                                   "Cycles not started because the previous one still ran")
    if fields:
        overruns.add_metric((), int(fields.get("overruns") or 0))
    return [*families, overruns]


class _HealthFamilies:
    """The per-device poll health families (snmp_exporter's view of a scrape: up, how long, how many values)."""

    def __init__(self):
        self.up = GaugeMetricFamily("egov_device_up", "1 when the device's last poll answered, 0 when it failed",
                                    labels=DEVICE)
        self.duration = GaugeMetricFamily("egov_device_poll_duration_seconds", "How long the last poll took",
                                          labels=DEVICE)
        self.values = GaugeMetricFamily("egov_device_poll_values", "SNMP values the last poll received",
                                        labels=DEVICE)
        self.polled = GaugeMetricFamily("egov_device_last_poll_timestamp_seconds", "When the last poll ended",
                                        labels=DEVICE)
        self.success = GaugeMetricFamily("egov_device_last_success_timestamp_seconds",
                                         "When the last successful poll ended", labels=DEVICE)
        self.polls = CounterMetricFamily("egov_device_polls", "Polls written since the device's health key was "
                                         "created", labels=DEVICE)
        self.failures = CounterMetricFamily("egov_device_poll_failures", "Failed polls since the device's health "
                                            "key was created", labels=DEVICE)
        self.uptime = GaugeMetricFamily("egov_device_uptime_seconds", "sysUpTime at the last successful poll",
                                        labels=DEVICE)

    @property
    def families(self) -> list[Metric]:
        return [self.up, self.duration, self.values, self.polled, self.success, self.polls, self.failures,
                self.uptime]

    def add(self, labels, health) -> None:
        self.up.add_metric(labels, 1 if health.up else 0)
        self.duration.add_metric(labels, health.duration_seconds)
        self.values.add_metric(labels, health.values)
        self.polled.add_metric(labels, health.polled_at)
        if health.last_success is not None:
            self.success.add_metric(labels, health.last_success)
        self.polls.add_metric(labels, health.polls_total)
        self.failures.add_metric(labels, health.failures_total)
        if health.sys_uptime_cs is not None:
            self.uptime.add_metric(labels, health.sys_uptime_cs / 100)


class _InterfaceFamilies:
    """The per-interface families: ``egov_interface_info`` and one family per field of ``INTERFACE_VALUES``."""

    def __init__(self):
        self.info = GaugeMetricFamily("egov_interface_info", "Always 1: the interface's ifIndex and ifAlias",
                                      labels=(*INTERFACE, "index", "alias"))
        self.values = [
            (CounterMetricFamily if kind == "counter" else GaugeMetricFamily)(name, documentation, labels=INTERFACE)
            for _field, name, kind, documentation in INTERFACE_VALUES
        ]
        self.speed = GaugeMetricFamily("egov_interface_speed_bytes_per_second", "ifHighSpeed x 10^6 / 8, else "
                                       "ifSpeed / 8", labels=INTERFACE)
        # The sample name and the list to append to, per family: what add_metric would work out for every sample.
        self._targets = [(family.name + ("_total" if family.type == "counter" else ""), family.samples.append)
                         for family in self.values]

    @property
    def families(self) -> list[Metric]:
        return [self.info, *self.values, self.speed]

    def add(self, labels: tuple[str, str, str], interfaces) -> None:
        device, site, agency = labels
        info_name, info_append = self.info.name, self.info.samples.append
        targets = self._targets
        speed_name, speed_append = self.speed.name, self.speed.samples.append
        for interface in interfaces:
            shared = {"device": device, "site": site, "agency": agency, "interface": _utf8(interface.name)}
            info_append(Sample(info_name, {**shared, "index": str(interface.index), "alias": _utf8(interface.alias)},
                               1))
            for (name, append), value in zip(targets, _interface_values(interface), strict=True):
                if value is not None:
                    append(Sample(name, shared, value))
            if interface.speed_bps is not None:  # bits per second on the wire, Prometheus' base unit here
                speed_append(Sample(speed_name, shared, interface.speed_bps / 8))


def _utf8(text: str) -> str:
    """``text`` as UTF-8 can carry it: bytes an agent sent that are not UTF-8 reach the records as lone surrogates
    (docs/collector-data.md), which no exposition can encode; they become backslash escapes, as in the health."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
