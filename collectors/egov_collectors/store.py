"""The collector data the exporter reads: latest raw counters, per-agency counters and poll health per device.

Kept in Redis (ARCHITECTURE contract 8), written by whichever worker polled the device, read by any exporter
instance without polling again. Everything about one device is written in one MULTI/EXEC transaction, so a reader
never sees half a poll; it is read back in one too, by ``read_devices`` (the records as parsed JSON: what the exporter
needs, 500 devices per round trip) and, through it, ``read_all`` and ``read_device`` (the collectors' dataclasses).
Raw counters only, never rates (contract 5): the exporter exposes them as ``_total`` counters and Prometheus computes
rates. The key names and fields are the exporter's contract and are documented in docs/collector-data.md; change
them only together with that page.

Keys (``<p>`` is the prefix, ``egov:collector`` by default; ``<device>`` the NetBox device name, verbatim):

- ``<p>:devices``: sorted set of device names, scored by the time of their last write (pruned by each write);
- ``<p>:device:<device>:health``: hash, the poll's health (``HEALTH_FIELDS``);
- ``<p>:device:<device>:interfaces``: hash, ifIndex -> JSON of the interface's state and raw counters;
- ``<p>:device:<device>:queues``: hash, MikroTik simple queue name -> JSON of its raw byte counters;
- ``<p>:device:<device>:agencies``: hash, agency slug -> JSON of its raw source counters and running totals;
- ``<p>:device:<device>:discards``: hash, reason -> how many counter deltas were dropped for it.

The health, interfaces and queues keys expire ``ttl`` seconds after the device's last write; the agencies' (their
last read and totals, from which a collector resumes), the discards' and the index live ``agency_ttl``.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from operator import itemgetter

import redis

from egov_collectors.accounting import AgencyCounters, AgencyState, Totals
from egov_collectors.model import DevicePoll, InterfaceCounters, QueueCounters
from egov_collectors.periods import PeriodKey

PREFIX = "egov:collector"
TTL = 900  # seconds: three missed five-minute cycles and a device's data is gone, as its up=0 would say
AGENCY_TTL = 3 * 86400  # seconds: long enough for a collector to resume after a weekend outage
READ_CHUNK = 500  # devices per pipelined round trip
KINDS = ("health", "interfaces", "queues", "agencies", "discards")
RECORDS = ("interfaces", "queues", "agencies")  # the kinds whose hashes hold JSON records

INTERFACE_FIELDS = frozenset(field.name for field in fields(InterfaceCounters))
QUEUE_FIELDS = frozenset(field.name for field in fields(QueueCounters))
AGENCY_FIELDS = frozenset(("tenant", "source", "known_since", "counters", "totals"))  # _agency_record's
HEALTH_FIELDS = (
    "device", "up", "polled_at", "duration_seconds", "values", "error", "sys_name", "sys_uptime_cs",
    "last_success", "last_error", "last_error_at", "polls_total", "failures_total", "worker",
)


@dataclass(frozen=True)
class DeviceHealth:
    """The last poll of a device, as snmp_exporter reports a scrape: up, how long, how many values, why not."""

    device: str
    up: bool
    polled_at: float
    duration_seconds: float
    values: int
    error: str = ""  # why the last poll failed; "" when it succeeded
    sys_name: str = ""
    sys_uptime_cs: int | None = None
    last_success: float | None = None  # time of the last successful poll, kept across failures
    last_error: str = ""  # the last failure's reason, kept across successes
    last_error_at: float | None = None
    polls_total: int = 0
    failures_total: int = 0
    worker: str = ""  # which worker wrote it (host:pid)


@dataclass(frozen=True)
class DeviceRecords:
    """One device's data as the store keeps it, parsed but not made into dataclasses (``read_devices``): the
    interface, queue and agency records are the JSON objects of docs/collector-data.md, each with every field of
    its record there, sorted by ifIndex, queue name and agency slug. 24,000 interface records into
    ``InterfaceCounters`` cost an exporter half its scrape of 500 devices; a dict is all it needs."""

    device: str
    health: DeviceHealth | None
    interfaces: tuple[dict, ...] = ()
    queues: tuple[dict, ...] = ()
    agencies: tuple[dict, ...] = ()
    discards: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DeviceData:
    """Everything the store holds about one device."""

    device: str
    health: DeviceHealth | None
    interfaces: tuple[InterfaceCounters, ...] = ()
    queues: tuple[QueueCounters, ...] = ()
    agencies: tuple[AgencyState, ...] = ()
    discards: dict[str, int] = field(default_factory=dict)


class CollectorStore:
    """Writes and reads the collector data in Redis (see the module's docstring for the keys)."""

    def __init__(self, client: redis.Redis, *, prefix: str = PREFIX, ttl: int = TTL, agency_ttl: int = AGENCY_TTL):
        for name, value in (("ttl", ttl), ("agency_ttl", agency_ttl)):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
        self.client = client
        self.prefix = prefix
        self.ttl = ttl
        self.agency_ttl = agency_ttl

    @classmethod
    def from_url(cls, url: str, **options) -> "CollectorStore":
        return cls(redis.Redis.from_url(url), **options)

    def key(self, device: str, kind: str) -> str:
        """A device's key: ``kind`` is health, interfaces, queues, agencies or discards."""
        return f"{self.prefix}:device:{device}:{kind}"

    @property
    def index_key(self) -> str:
        return f"{self.prefix}:devices"

    def write_device(
        self,
        poll: DevicePoll,
        *,
        agencies: Iterable[AgencyState] = (),
        discards: Mapping[str, int] | None = None,
        worker: str = "",
    ) -> None:
        """Store one device's poll, its agencies' counters and totals, and the deltas dropped, in one transaction.

        A failed poll keeps the last success and drops the counters (an exporter then shows up=0 and no stale
        counters, as snmp_exporter does); agencies' states are kept either way."""
        pipe = self.client.pipeline(transaction=True)
        pipe.zadd(self.index_key, {poll.device: poll.polled_at})
        pipe.zremrangebyscore(self.index_key, "-inf", f"({poll.polled_at - self.ttl}")
        pipe.expire(self.index_key, self.agency_ttl)  # collectors gone for good leave nothing behind
        self._write_health(pipe, poll, worker)
        for kind, rows in (
            ("interfaces", {str(i.index): _json(asdict(i)) for i in poll.interfaces}),
            ("queues", {q.name: _json(asdict(q)) for q in poll.queues}),
        ):
            key = self.key(poll.device, kind)
            pipe.delete(key)
            if poll.ok and rows:
                pipe.hset(key, mapping=rows)
                pipe.expire(key, self.ttl)
        states = {state.tenant: _json(_agency_record(state)) for state in agencies}
        if states:
            pipe.hset(self.key(poll.device, "agencies"), mapping=states)
            pipe.expire(self.key(poll.device, "agencies"), self.agency_ttl)
        for reason, count in (discards or {}).items():
            pipe.hincrby(self.key(poll.device, "discards"), str(reason), count)
        if discards:
            pipe.expire(self.key(poll.device, "discards"), self.agency_ttl)
        pipe.execute()

    def read_all(self, now: float | None = None) -> list[DeviceData]:
        """Every device written within ``ttl`` of ``now`` (default: the latest write), sorted by name."""
        if now is None:
            latest = self.client.zrange(self.index_key, -1, -1, withscores=True)
            now = latest[0][1] if latest else 0.0
        names = sorted(_text(name) for name in self.client.zrangebyscore(self.index_key, now - self.ttl, "+inf"))
        return [_device_data(records) for records in self.read_devices(names).values()]

    def read_device(self, device: str) -> DeviceData | None:
        """One device's data, or None when the store holds nothing about it."""
        records = self.read_devices([device]).get(device)
        return None if records is None else _device_data(records)

    def read_devices(self, names: Iterable[str]) -> dict[str, DeviceRecords]:
        """The records of the devices ``names``, in their order, in one pipelined MULTI/EXEC round trip per 500
        devices (each device's keys as one write left them); a device whose keys are all gone is left out. Raises
        ValueError naming the device and the record when a record is not as docs/collector-data.md says."""
        names = list(names)
        devices = {}
        for start in range(0, len(names), READ_CHUNK):
            chunk = names[start:start + READ_CHUNK]
            pipe = self.client.pipeline(transaction=True)
            for name in chunk:
                for kind in KINDS:  # a JSON record names its own ifIndex, queue or agency: its field is not read
                    (pipe.hvals if kind in RECORDS else pipe.hgetall)(self.key(name, kind))
            answers = pipe.execute()
            for position, name in enumerate(chunk):
                found = _device_records(name, *answers[position * len(KINDS):(position + 1) * len(KINDS)])
                if found is not None:
                    devices[name] = found
        return devices

    def agency_states(self, device: str) -> dict[str, AgencyState]:
        """The agencies' last reads and totals on ``device``, by slug: what a collector resumes from."""
        records = _records(device, "agencies", self.client.hvals(self.key(device, "agencies")), AGENCY_FIELDS, "tenant")
        return {record["tenant"]: _agency_state(record) for record in records}

    def _write_health(self, pipe, poll: DevicePoll, worker: str) -> None:
        key = self.key(poll.device, "health")
        error = _utf8(poll.error)
        health = {
            "device": _utf8(poll.device), "up": int(poll.ok), "polled_at": repr(poll.polled_at),
            "duration_seconds": repr(poll.duration), "values": poll.values, "error": "" if poll.ok else error,
            "sys_name": _utf8(poll.sys_name),
            "sys_uptime_cs": "" if poll.sys_uptime_cs is None else poll.sys_uptime_cs, "worker": _utf8(worker),
        }
        if poll.ok:
            health["last_success"] = repr(poll.polled_at)
        else:
            health |= {"last_error": error, "last_error_at": repr(poll.polled_at)}
        pipe.hset(key, mapping=health)
        pipe.hincrby(key, "polls_total", 1)
        if not poll.ok:
            pipe.hincrby(key, "failures_total", 1)
        pipe.expire(key, self.ttl)


def _device_records(name: str, health, interfaces, queues, agencies, discards) -> DeviceRecords | None:
    """A device's health and discards hashes and its three lists of JSON records as Redis gave them, parsed; None
    when they are all empty."""
    if not (health or interfaces or queues or agencies or discards):
        return None
    return DeviceRecords(
        device=name,
        health=_health(health) if health else None,
        interfaces=_records(name, "interfaces", interfaces, INTERFACE_FIELDS, "index"),
        queues=_records(name, "queues", queues, QUEUE_FIELDS, "name"),
        agencies=_records(name, "agencies", agencies, AGENCY_FIELDS, "tenant"),
        discards={_text(reason): int(count) for reason, count in discards.items()},
    )


def _records(device: str, kind: str, raw: list[bytes], names: frozenset, order: str) -> tuple[dict, ...]:
    """The JSON records of one hash, each checked to have exactly the fields ``names``, sorted by ``order``.

    Parsed as one JSON array (half the time of a ``json.loads`` per record, with 48 interfaces a device): a value
    that is not exactly one JSON value changes the count or breaks the array, and is refused like any record that
    is not an object with these fields."""
    if not raw:
        return ()
    records = json.loads(b"[" + b",".join(raw) + b"]")
    if len(records) != len(raw):
        raise ValueError(f"{device}: the {kind} hash holds {len(raw)} values, {len(records)} JSON records")
    for record in records:
        if type(record) is not dict or record.keys() != names:  # a writer of another version: never half read
            raise ValueError(f"{device}: a {kind} record is {_clip(record)}, not an object with the fields "
                             f"{sorted(names)} (docs/collector-data.md)")
    records.sort(key=itemgetter(order))
    return tuple(records)


def _clip(record) -> str:
    text = repr(record)
    return text if len(text) <= 200 else text[:200] + "..."


def _device_data(records: DeviceRecords) -> DeviceData:
    """``records`` as the collectors' dataclasses."""
    return DeviceData(
        device=records.device,
        health=records.health,
        interfaces=tuple(InterfaceCounters(**record) for record in records.interfaces),
        queues=tuple(QueueCounters(**record) for record in records.queues),
        agencies=tuple(_agency_state(record) for record in records.agencies),
        discards=records.discards,
    )


def _agency_record(state: AgencyState) -> dict:
    """An agency's state as the store keeps it (docs/collector-data.md, "agencies")."""
    return {
        "tenant": state.tenant,
        "source": state.source,
        "known_since": state.known_since.isoformat() if state.known_since else None,
        "counters": asdict(state.baseline) if state.baseline else None,
        "totals": [
            {"period": key.period, "period_start": key.start.isoformat(), "bytes_in": totals.bytes_in,
             "bytes_out": totals.bytes_out, "samples": totals.samples, "observed_at": totals.observed_at}
            for key, totals in sorted(state.totals.items())
        ],
    }


def _agency_state(record: Mapping) -> AgencyState:
    counters = record.get("counters")
    return AgencyState(
        tenant=record["tenant"],
        source=record["source"],
        known_since=date.fromisoformat(record["known_since"]) if record.get("known_since") else None,
        baseline=AgencyCounters(**counters) if counters else None,
        totals={
            PeriodKey(row["period"], date.fromisoformat(row["period_start"])): Totals(
                row["bytes_in"], row["bytes_out"], row["samples"], row["observed_at"])
            for row in record.get("totals", ())
        },
    )


def _health(raw: Mapping) -> DeviceHealth:
    fields = {_text(k): _text(v) for k, v in raw.items()}

    def number(name, kind=float):
        return kind(fields[name]) if fields.get(name) else None

    return DeviceHealth(
        device=fields.get("device", ""), up=fields.get("up") == "1", polled_at=number("polled_at") or 0.0,
        duration_seconds=number("duration_seconds") or 0.0, values=number("values", int) or 0,
        error=fields.get("error", ""), sys_name=fields.get("sys_name", ""),
        sys_uptime_cs=number("sys_uptime_cs", int), last_success=number("last_success"),
        last_error=fields.get("last_error", ""), last_error_at=number("last_error_at"),
        polls_total=number("polls_total", int) or 0, failures_total=number("failures_total", int) or 0,
        worker=fields.get("worker", ""),
    )


def _json(value) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _utf8(text: str) -> str:
    # A string decoded with surrogateescape (bytes an agent sent that are not UTF-8) cannot be encoded for Redis.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
