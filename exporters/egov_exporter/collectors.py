"""The collectors' data in Redis (docs/collector-data.md) as the text of the "From the collectors (Redis)" families
of docs/metrics.md, each device's share written once per poll and kept between scrapes.

A device changes once per poll (every five minutes) while Prometheus scrapes every 15 to 60 s, and 500 devices x
48 interfaces make about 300,000 samples. So a scrape (``RedisSource.text``) reads the index of the devices written
within the store's ``ttl`` and each one's version: its health's ``polled_at`` and ``polls_total``, which every
``CollectorStore.write_device`` moves (``polls_total`` alone restarts when the key expires, ``polled_at`` alone
could repeat). Only the devices whose version or NetBox labels changed are read (``CollectorStore.read_devices``:
one round trip for up to 500, their records as parsed JSON, no dataclass per interface) and written afresh
(``device_text``); the others' text is reused, and the devices' texts are joined family by family,
as the text format wants every sample of a family together under its one HELP and TYPE. What is kept is the text of
the devices of the last scrape, nothing more.

This trusts the store's contract: a device's keys change only by ``write_device`` (one transaction that moves the
version) or by expiring, which takes the health, hence the version, with them. A record written by anything else,
behind the store's back, is seen at the device's next poll.

The collectors poll a whole cycle within seconds, so the scrape after a cycle would write every device again;
``refresh`` (run every second by ``Exporter.warm`` when the index moved) writes them as they come instead.

The agency counters are the one part that changes with the clock: a counter read before ``now - ttl`` is left out
(the collectors keep an agency's last read for days, to resume from it, also after failed polls or once the agency
moved to another gateway, and a counter that old is not the present). So each device keeps them apart, with the
time of their read, and every scrape picks the fresh ones.

The site and agency labels of a device come from NetBox (``device_labels``, the NetBox source's mapping), so they
follow NetBox when a device moves; a device NetBox does not know has them empty. The text is what prometheus-client's
``generate_latest`` writes for the same families (exposition.py's pieces; tests/exporter_reference.py builds those
families the plain way and the tests compare the bytes); ``collect`` reads it back into families for
prometheus-client's own tools.
"""

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter, itemgetter

import redis
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.parser import text_string_to_metric_families

from egov_collectors.counters import DISCARDS
from egov_collectors.store import CollectorStore, DeviceData, DeviceHealth, DeviceRecords

from .exposition import escape, header, labels_template, labels_text, number_text, render
from .sources import SourceStatus

log = logging.getLogger(__name__)

REDIS_TIMEOUT = 5.0  # seconds to connect or answer: a hung Redis must not hold the scrape past Prometheus' timeout
UNKNOWN: Mapping[str, str] = {}  # the labels of a device NetBox does not know: site and agency empty
VERSION = ("polled_at", "polls_total")  # the health fields that tell one write of a device from another

# The per-device families, in the order of a scrape: (name, type, help) and what gives a device's value (health:
# none, no series).
HEALTH_VALUES = (
    ("egov_device_up", "gauge", "1 when the device's last poll answered, 0 when it failed", lambda h: int(h.up)),
    ("egov_device_poll_duration_seconds", "gauge", "How long the last poll took", attrgetter("duration_seconds")),
    ("egov_device_poll_values", "gauge", "SNMP values the last poll received", attrgetter("values")),
    ("egov_device_last_poll_timestamp_seconds", "gauge", "When the last poll ended", attrgetter("polled_at")),
    ("egov_device_last_success_timestamp_seconds", "gauge", "When the last successful poll ended",
     attrgetter("last_success")),
    ("egov_device_polls", "counter", "Polls written since the device's health key was created",
     attrgetter("polls_total")),
    ("egov_device_poll_failures", "counter", "Failed polls since the device's health key was created",
     attrgetter("failures_total")),
    ("egov_device_uptime_seconds", "gauge", "sysUpTime at the last successful poll",
     lambda h: None if h.sys_uptime_cs is None else h.sys_uptime_cs / 100),
)
DISCARDED = ("egov_device_discarded_deltas", "counter", "Agency counter deltas dropped, by reason")
INTERFACE_INFO = ("egov_interface_info", "gauge", "Always 1: the interface's ifIndex and ifAlias")
# interface record field -> (metric, type, help), exported as they are; "A counter the device did not answer has
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
INTERFACE_SPEED = ("egov_interface_speed_bytes_per_second", "gauge", "ifHighSpeed x 10^6 / 8, else ifSpeed / 8")
AGENCY = ("egov_agency_bytes", "counter", "Raw byte counter of the source that measures the agency on the device: "
          "direction down (its download) or up (its upload)")

DEVICE_FAMILIES = (*((name, kind, documentation) for name, kind, documentation, _value in HEALTH_VALUES), DISCARDED,
                   INTERFACE_INFO, *((name, kind, documentation) for _field, name, kind, documentation in
                                     INTERFACE_VALUES), INTERFACE_SPEED, AGENCY)
_HEADERS = tuple(header(*family).encode() for family in DEVICE_FAMILIES)
_interface_values = itemgetter(*(field for field, *_ in INTERFACE_VALUES))

# <p>:cycle field -> gauge; absent fields (no cycle yet, the first one still running) have no series.
CYCLE_GAUGES = (
    ("started", "egov_collector_cycle_started_timestamp_seconds", "When the current (or last) cycle started"),
    ("finished", "egov_collector_cycle_finished_timestamp_seconds", "When the last cycle finished"),
    ("devices", "egov_collector_cycle_devices", "Devices planned in the cycle"),
    ("left", "egov_collector_cycle_jobs_left", "Jobs of the cycle not done yet"),
)


@dataclass(frozen=True)
class DeviceText:
    """One device's samples as of one write: a fragment per family of ``DEVICE_FAMILIES`` but the last (the
    agencies'), whose lines are kept apart with the time of the read they give, as (read at, lines)."""

    version: tuple  # the health's VERSION fields as Redis gave them (Nones when it has no health)
    labels: tuple[str, str]  # the site and agency NetBox gave when it was written
    fragments: tuple[bytes, ...]
    agency_reads: tuple[tuple[float, bytes], ...]


class RedisSource:
    """The collectors' data, looked up in Redis at every scrape. Never raises: an outage or unreadable data gives
    no text and ``status.up`` False, so the rest of the scrape is still served. One scrape or refresh at a time
    (the exporter holds a lock around each)."""

    def __init__(self, store: CollectorStore):
        self.store = store
        self.status = SourceStatus()
        self._failure = ""  # the last failure logged, so an outage is logged when it starts, not at every scrape
        self._devices: dict[str, DeviceText] = {}  # device name -> its text, for the devices of the last scrape
        self._labels: Mapping[str, Mapping[str, str]] | None = None  # NetBox's at the last scrape, for refresh()
        self._written = None  # the index's size and latest write when written() last looked

    @classmethod
    def from_url(cls, url: str, prefix: str) -> "RedisSource":
        client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
        return cls(CollectorStore(client, prefix=prefix))

    @property
    def cycle_key(self) -> str:
        return f"{self.store.prefix}:cycle"

    @property
    def kept_devices(self) -> set[str]:
        """The devices whose text is kept for the next scrape: those of the last scrape that read them all."""
        return set(self._devices)

    def text(self, device_labels: Mapping[str, Mapping[str, str]] | None = None) -> bytes:
        """The text of the families of every device written within the store's ttl and of the collectors' cycle;
        ``device_labels``: device name -> {"site": slug, "agency": slug}."""
        started = time.monotonic()
        now = time.time()
        self._labels = device_labels or {}
        try:
            text = self._devices_text(self._labels, now)
            text += render(cycle_families(self.store.client.hgetall(self.cycle_key)))
        except redis.RedisError as error:  # names host and port, never a password of the URL
            return self._failed(f"Redis is unavailable: {error}")
        except Exception as error:  # a record not as docs/collector-data.md says: never a failed scrape
            return self._failed(f"unreadable collector data in Redis: {error!r}")
        finally:
            self.status.duration_seconds = time.monotonic() - started
        if self._failure:
            log.info("the collectors' data in Redis is readable again")
        self.status.up, self.status.last_success, self._failure = True, now, ""
        return text

    def collect(self, device_labels: Mapping[str, Mapping[str, str]] | None = None) -> list[Metric]:
        """The families of ``text()``, read back with prometheus-client's parser."""
        return list(text_string_to_metric_families(self.text(device_labels).decode()))

    def written(self) -> bool:
        """Whether the collectors wrote since the last look, as far as the index tells in one round trip: its size
        or its latest write moved (a write older than the latest waits for the next one, or the scrape). False
        when Redis does not answer."""
        pipe = self.store.client.pipeline(transaction=False)
        pipe.zcard(self.store.index_key)
        pipe.zrange(self.store.index_key, -1, -1, withscores=True)
        try:
            index = pipe.execute()
        except redis.RedisError:
            return False
        index = (index[0], tuple(index[1]))
        written, self._written = index != self._written, index
        return written

    def refresh(self) -> None:
        """Read and write ahead the devices written since the last scrape or refresh, with the NetBox labels of
        the last scrape (none before the first: nothing to do), so that the next scrape finds them written. It only
        saves the scrape work: the scrape still checks every device's version and reports what fails, so this
        never raises."""
        if self._labels is None:
            return
        try:
            self._refresh(self._labels, time.time())
        except Exception:  # an outage or an unreadable record: the next scrape meets it again and reports it
            log.debug("refresh ahead of the scrape failed", exc_info=True)

    def _failed(self, failure: str) -> bytes:
        if failure != self._failure:
            log.warning("%s (its metrics are left out of the scrape)", failure)
        self.status.up, self._failure = False, failure
        return b""

    def _devices_text(self, device_labels: Mapping[str, Mapping[str, str]], now: float) -> bytes:
        devices = self._refresh(device_labels, now)
        fresh_since = now - self.store.ttl
        parts = []
        for position, family_header in enumerate(_HEADERS[:-1]):
            parts.append(family_header)
            parts += [device.fragments[position] for device in devices]
        parts.append(_HEADERS[-1])
        parts += [lines for device in devices for read_at, lines in device.agency_reads if read_at >= fresh_since]
        return b"".join(parts)

    def _refresh(self, device_labels: Mapping[str, Mapping[str, str]], now: float) -> list[DeviceText]:
        """The text of every device written within the ttl, sorted by name: kept where the device's version and
        labels are those it was written with, else read and written now. Keeps exactly these for the next scrape."""
        client = self.store.client
        names = sorted(_name(name) for name in client.zrangebyscore(self.store.index_key, now - self.store.ttl,
                                                                     "+inf"))
        versions = client.pipeline(transaction=False)
        for name in names:
            versions.hmget(self.store.key(name, "health"), VERSION)
        # Read after its version: a write in between gives newer data under the older version, read again at the
        # next scrape; never older data under a newer version.
        wanted = {name: (tuple(version), _site_agency(device_labels.get(name, UNKNOWN)))
                  for name, version in zip(names, versions.execute(), strict=True)}
        stale = [name for name, (version, labels) in wanted.items()
                 if (known := self._devices.get(name)) is None or (known.version, known.labels) != (version, labels)]
        read = self.store.read_devices(stale)
        kept = {}
        for name, (version, labels) in wanted.items():
            if name in read:
                kept[name] = device_text(read[name], *labels, version)
            elif name not in stale:
                kept[name] = self._devices[name]
            # else every key of it expired since the index was read: no text
        self._devices = kept
        return list(kept.values())


def device_text(device: DeviceRecords, site: str, agency: str, version: tuple) -> DeviceText:
    """The samples of ``device`` labelled with NetBox's ``site`` and ``agency``, as of the write ``version``."""
    labels = {"device": device.device, "site": site, "agency": agency}
    return DeviceText(
        version=version, labels=(site, agency),
        fragments=(*_health_lines(device.health, labels_text(labels)), _discard_lines(device, labels),
                   *_interface_lines(device.interfaces, labels)),
        agency_reads=_agency_reads(device, site),
    )


def discard_counts(device: DeviceRecords | DeviceData) -> dict[str, int]:
    """The device's dropped deltas per reason; every reason from 0 on a device measuring an agency, so that a
    rate or an increase of the counter is defined before the first drop (docs/metrics.md)."""
    zeros = dict.fromkeys(DISCARDS, 0) if device.agencies else {}
    return zeros | dict(device.discards)


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


def _health_lines(health: DeviceHealth | None, labels: str) -> list[bytes]:
    """The poll health families' lines (snmp_exporter's view of a scrape: up, how long, how many values)."""
    lines = []
    for name, kind, _documentation, value_of in HEALTH_VALUES:
        value = None if health is None else value_of(health)
        lines.append(b"" if value is None else f"{_sample(name, kind)}{labels} {number_text(value)}\n".encode())
    return lines


def _discard_lines(device: DeviceRecords, labels: dict[str, str]) -> bytes:
    name = _sample(*DISCARDED[:2])
    return "".join(f"{name}{labels_text(labels | {'reason': reason})} {number_text(count)}\n"
                   for reason, count in sorted(discard_counts(device).items())).encode()


def _interface_lines(interfaces: tuple[dict, ...], labels: dict[str, str]) -> list[bytes]:
    """The per-interface families' lines: ``egov_interface_info``, one family per field of ``INTERFACE_VALUES``,
    the speed. The hot loop of a scrape that reads every device (24,000 interfaces at 500 devices): the device's
    labels are formatted once for all its interfaces, an interface's once for all its samples, its values read in
    one ``itemgetter`` call from the record, and each family's lines joined from one list comprehension."""
    info_name, speed_name, one = _sample(*INTERFACE_INFO[:2]), _sample(*INTERFACE_SPEED[:2]), number_text(1)
    interface_labels = labels_template(labels | {"interface": None})
    info_labels = labels_template(labels | {"interface": None, "index": None, "alias": None})
    texts, info = [], []
    for interface in interfaces:
        name = escape(_utf8(interface["name"]))
        texts.append(interface_labels.format(interface=name))
        info.append(f"{info_name}{info_labels.format(interface=name, index=interface['index'],
                                                      alias=escape(_utf8(interface['alias'])))} {one}\n")
    columns = list(zip(*map(_interface_values, interfaces), strict=True)) or [()] * len(INTERFACE_VALUES)  # per field
    samples = [_sample(name, kind) for _field, name, kind, _documentation in INTERFACE_VALUES]
    values = ["".join([f"{sample}{text} {number_text(value)}\n" for text, value in zip(texts, column, strict=True)
                       if value is not None])
              for sample, column in zip(samples, columns, strict=True)]
    speed = "".join([f"{speed_name}{text} {_speed_text(bps) if type(bps) is int else number_text(bps / 8)}\n"
                     for text, interface in zip(texts, interfaces, strict=True)
                     if (bps := interface["speed_bps"]) is not None])  # bits per second on the wire: base unit bytes
    return [text.encode() for text in ("".join(info), *values, speed)]


@lru_cache(maxsize=256)
def _speed_text(bps: int) -> str:
    """An integer speed in bits per second as bytes per second: a few speeds, shared by every interface. (Integers
    only: floats 0.0 and -0.0 are equal keys, and their texts differ.)"""
    return number_text(bps / 8)


def _agency_reads(device: DeviceRecords, site: str) -> tuple[tuple[float, bytes], ...]:
    """(read at, lines) per agency counter read on the device: its raw counters down and up."""
    name = _sample(*AGENCY[:2])
    reads = []
    for record in device.agencies:
        counters = record["counters"]
        if counters is not None:
            labels = {"agency": record["tenant"], "device": device.device, "site": site, "source": counters["kind"]}
            lines = "".join(f"{name}{labels_text(labels | {'direction': way})} {number_text(counters[way])}\n"
                            for way in ("down", "up"))
            reads.append((counters["at"], lines.encode()))
    return tuple(reads)


def _sample(name: str, kind: str) -> str:
    return name + "_total" if kind == "counter" else name


def _site_agency(where: Mapping[str, str]) -> tuple[str, str]:
    return where.get("site", ""), where.get("agency", "")


def _name(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _utf8(text: str) -> str:
    """``text`` as UTF-8 can carry it: bytes an agent sent that are not UTF-8 reach the records as lone surrogates
    (docs/collector-data.md), which no exposition can encode; they become backslash escapes, as in the health."""
    if text.isascii():  # nearly every name: nothing to replace
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
