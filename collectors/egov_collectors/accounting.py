"""Per-agency accounting: which counters measure an agency, and its day and month totals for the upsert.

Pure: no I/O (the caller polls the device, reads nftables over SSH, talks to NetBox and the store).

**Where an agency's volume comes from**, in this order, on the quota's enforcement device (the names are the
contract with the enforcement playbooks, ARCHITECTURE contract 7; docs/collectors.md):

1. a MikroTik simple queue named ``egov-<slug>`` (MIKROTIK-MIB mtxrQueueSimpleTable);
2. nftables named counters ``agency_<slug>_down`` and ``agency_<slug>_up`` in table ``inet egov`` on a Linux
   gateway (``nft -j list counters table inet egov``, parsed by ``parse_nft_counters``);
3. the enforcement interface's own counters, only when that interface carries the agency's traffic alone.

**Directions** are the agency's: ``bytes_in`` is what the agency received (download), ``bytes_out`` what it sent
(upload). A simple queue counts from its target's side the way RouterOS prints ``bytes=<upload>/<download>``:
mtxrQueueSimpleBytesIn is the first figure (the target's upload), mtxrQueueSimpleBytesOut the second (download),
so ``bytes_in`` takes BytesOut. An interface facing the agency's LAN (``facing="agency"``, a gateway's port
towards the agency) sends the agency its downloads: ifOutOctets gives ``bytes_in``; an interface on the agency's
side of its uplink (``facing="upstream"``) receives them: ifInOctets gives ``bytes_in``.

**Totals** are kept per (agency, period, period start, source) with ``bytes_in``, ``bytes_out``, ``samples`` and
``observed_at``, as docs/quota-usage-api.md wants them: absolute, so a replayed write never counts twice. The
source is the enforcement device's name (an agency behind two gateways has two rows). Each new read of an
agency's counters adds the deltas since the previous read (``counters.counter_delta``), split over days and
months by time (``periods.split_by_period``), and yields the upsert items of the periods it touched.

**Resume without loss or double counting.** A ledger writes totals for an (agency, source) only once it knows
where they stand: seeded from the rows NetBox holds (``seed``) or restored from the store (``restore``); until
then a read only sets the baseline. The first read after a restart only sets the baseline too, unless the store
still has the last read from before (``restore``), in which case nothing the device counters still hold is
lost. Traffic up to a total's ``observed_at`` is in that total already: an interval reaching back before it
counts only its part after it, so a stale baseline cannot count anything twice. Periods older than the previous
month are forgotten (and never written again).
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from typing import NamedTuple
from zoneinfo import ZoneInfo

from egov_collectors.counters import MAX_INTERVAL, Delta, Reading, counter_delta
from egov_collectors.model import DevicePoll
from egov_collectors.periods import DAY, MONTH, REGENCY_TZ, PeriodKey, iso_timestamp, split_by_period

KIND_QUEUE = "queue"
KIND_NFT = "nft"
KIND_INTERFACE = "interface"
FACING_AGENCY = "agency"
FACING_UPSTREAM = "upstream"
NFT_FAMILY = "inet"
NFT_TABLE = "egov"


def queue_name(slug: str) -> str:
    """The MikroTik simple queue that enforces and counts an agency's traffic."""
    return f"egov-{slug}"


def nft_counter_names(slug: str) -> tuple[str, str]:
    """The nftables named counters (table ``inet egov``) of an agency: (download, upload)."""
    return f"agency_{slug}_down", f"agency_{slug}_up"


@dataclass(frozen=True)
class Enforcement:
    """Where an agency's quota is enforced, as NetBox describes it (quota, enforcement device and interface)."""

    tenant: str  # agency slug
    device: str  # enforcement device name: also the usage rows' source
    interface: str = ""  # enforcement interface name on that device, "" when the quota names none
    interface_is_agency_own: bool = False  # the interface carries this agency's traffic and nobody else's
    facing: str = FACING_AGENCY  # FACING_AGENCY: towards the agency's LAN; FACING_UPSTREAM: the agency's uplink

    def __post_init__(self):
        if not self.tenant:
            raise ValueError("tenant must be an agency slug, got ''")
        if not self.device:
            raise ValueError(f"device must name the enforcement device of {self.tenant}, got ''")
        if self.facing not in (FACING_AGENCY, FACING_UPSTREAM):
            raise ValueError(f"facing must be {FACING_AGENCY!r} or {FACING_UPSTREAM!r}, got {self.facing!r}")


@dataclass(frozen=True)
class AgencyCounters:
    """An agency's raw counters at one read, already in the agency's directions."""

    tenant: str
    device: str  # the source of the usage rows
    kind: str  # KIND_QUEUE, KIND_NFT or KIND_INTERFACE
    counter: str  # what was read: the queue name, "agency_<slug>_down,agency_<slug>_up", or the interface name
    at: float  # epoch seconds of the read
    down: int  # raw counter of bytes the agency received -> bytes_in
    up: int  # raw counter of bytes the agency sent -> bytes_out
    bits: int = 64
    uptime_cs: int | None = None  # the device's sysUpTime at the read (None for nftables over SSH)
    speed_bps: int | None = None  # ceiling for plausibility: the interface's speed; None when unknown

    def reading(self, direction: str) -> Reading:
        value = self.down if direction == "down" else self.up
        return Reading(value=value, at=self.at, bits=self.bits, uptime_cs=self.uptime_cs)


@dataclass(frozen=True)
class Unmeasured:
    """No counter measures this agency on this device, and why (each source tried, in order)."""

    tenant: str
    device: str
    reason: str


def select_source(
    enforcement: Enforcement,
    poll: DevicePoll | None,
    nft_counters: Mapping[str, tuple[int, int]] | None = None,
    nft_at: float | None = None,
) -> AgencyCounters | Unmeasured:
    """The agency's counters from the first source that has them: queue, nftables counters, own interface.

    ``poll`` is the SNMP poll of the enforcement device (None or failed: no queue, no interface);
    ``nft_counters`` the device's counters as ``parse_nft_counters`` returns them, read at ``nft_at``."""
    slug, device = enforcement.tenant, enforcement.device
    polled = poll is not None and poll.ok
    tried = []

    queue = next((q for q in poll.queues if q.name == queue_name(slug)), None) if polled else None
    if queue is not None:
        return AgencyCounters(slug, device, KIND_QUEUE, queue.name, poll.polled_at, down=queue.bytes_out,
                              up=queue.bytes_in, uptime_cs=poll.sys_uptime_cs)
    tried.append(f"no simple queue {queue_name(slug)}" + ("" if polled else " (no SNMP answer)"))

    down_name, up_name = nft_counter_names(slug)
    if nft_counters is not None and down_name in nft_counters and up_name in nft_counters:
        if nft_at is None:
            raise ValueError(f"nft_at must say when the nftables counters of {device} were read, got None")
        return AgencyCounters(slug, device, KIND_NFT, f"{down_name},{up_name}", nft_at,
                              down=nft_counters[down_name][1], up=nft_counters[up_name][1])
    tried.append(f"no nftables counters {down_name}/{up_name} in table {NFT_FAMILY} {NFT_TABLE}"
                 + ("" if nft_counters is not None else " (not read)"))

    interface_counters = _own_interface(enforcement, poll if polled else None, tried)
    if interface_counters is not None:
        return interface_counters
    return Unmeasured(slug, device, "; ".join(tried))


def _own_interface(enforcement: Enforcement, poll: DevicePoll | None, tried: list[str]) -> AgencyCounters | None:
    name = enforcement.interface
    if not name:
        tried.append("no enforcement interface")
        return None
    if not enforcement.interface_is_agency_own:
        tried.append(f"interface {name} is not the agency's own")
        return None
    found = next((i for i in poll.interfaces if i.name == name), None) if poll is not None else None
    if found is None or found.in_octets is None or found.out_octets is None:
        tried.append(f"no octet counters for interface {name}")
        return None
    towards_agency, from_agency = found.out_octets, found.in_octets
    if enforcement.facing == FACING_UPSTREAM:
        towards_agency, from_agency = found.in_octets, found.out_octets
    return AgencyCounters(enforcement.tenant, enforcement.device, KIND_INTERFACE, name, poll.polled_at,
                          down=towards_agency, up=from_agency, bits=found.counter_bits,
                          uptime_cs=poll.sys_uptime_cs, speed_bps=found.speed_bps)


def parse_nft_counters(
    output: str | bytes, family: str = NFT_FAMILY, table: str = NFT_TABLE
) -> dict[str, tuple[int, int]]:
    """``nft -j list counters table inet egov`` output as {counter name: (packets, bytes)} for that table."""
    try:
        document = json.loads(output)
    except ValueError as error:
        raise ValueError(f"nft output is not JSON: {error}") from None
    entries = document.get("nftables") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ValueError("nft output has no 'nftables' list")
    counters = {}
    for entry in entries:
        counter = entry.get("counter") if isinstance(entry, dict) else None
        if not isinstance(counter, dict) or (counter.get("family"), counter.get("table")) != (family, table):
            continue
        name = counter.get("name")
        if not isinstance(name, str) or not name:
            raise ValueError(f"nft counter of table {family} {table} without a name: {counter!r}")
        packets, octets = (_nft_u64(name, field_name, counter.get(field_name)) for field_name in ("packets", "bytes"))
        counters[name] = (packets, octets)
    return counters


def _nft_u64(name: str, field_name: str, value) -> int:
    # nft prints its unsigned 64-bit counters through a signed JSON integer: from 2**63 on they come out negative.
    if isinstance(value, bool) or not isinstance(value, int) or not -(2**63) <= value < 2**64:
        raise ValueError(f"nft counter {name!r}: {field_name} must be a 64-bit counter, got {value!r}")
    return value % 2**64


class UsageKey(NamedTuple):
    """The upsert's key: agency slug, period ("day" or "month"), its first day, source (the device)."""

    tenant: str
    period: str
    start: date
    source: str


@dataclass(frozen=True)
class Totals:
    """Totals of one period so far, as of ``observed_at`` (epoch seconds; None before any measurement)."""

    bytes_in: int = 0
    bytes_out: int = 0
    samples: int = 0
    observed_at: float | None = None


@dataclass(frozen=True)
class AgencyState:
    """What the accounting keeps between two reads of one agency on one source (the store persists it)."""

    tenant: str
    source: str
    known_since: date | None  # totals of periods from this day on are known; None: not seeded yet
    baseline: AgencyCounters | None = None
    totals: Mapping[PeriodKey, Totals] = field(default_factory=dict)


@dataclass(frozen=True)
class Applied:
    """What one read did: the deltas of both directions, and the upsert items of the periods it touched."""

    down: Delta
    up: Delta
    items: tuple[dict, ...] = ()

    @property
    def discards(self) -> dict[str, int]:
        """Deltas dropped by this read, per reason (``CollectorStore.write_device(discards=...)`` adds them up)."""
        counted: dict[str, int] = {}
        for delta in (self.down, self.up):
            if delta.discarded:
                counted[delta.reason.value] = counted.get(delta.reason.value, 0) + 1
        return counted


class Ledger:
    """Running day and month totals per (agency, period, period start, source), and the last read of each."""

    def __init__(self, tz: ZoneInfo = REGENCY_TZ, max_interval: float = MAX_INTERVAL):
        self.tz = tz
        self.max_interval = max_interval
        # Per (agency, source): its periods' totals, its last read, and from which day its totals are known.
        self._totals: dict[tuple[str, str], dict[PeriodKey, Totals]] = {}
        self._baselines: dict[tuple[str, str], AgencyCounters] = {}
        self._known_since: dict[tuple[str, str], date] = {}

    def totals(self) -> dict[UsageKey, Totals]:
        """Every total the ledger holds, by the upsert's key."""
        return {
            UsageKey(tenant, period_key.period, period_key.start, source): totals
            for (tenant, source), periods in self._totals.items()
            for period_key, totals in periods.items()
        }

    def seed(self, rows: Iterable[Mapping], *, now: float, scope: Iterable[tuple[str, str]] = ()) -> int:
        """Load totals NetBox holds (rows as ``GET /api/plugins/egov/quota-usage/`` returns them); return how many.

        The caller fetched every row of the current and the previous month for the (agency, source) pairs in
        ``scope``; those pairs, and any pair a row names, are known from then on. A row replaces a total the
        ledger has only when its ``observed_at`` is newer. Rows of older periods are ignored."""
        horizon = self._horizon(now)
        pairs = set(scope)
        loaded = 0
        for row in rows:
            key, totals = usage_row(row)
            pairs.add((key.tenant, key.source))
            if key.start >= horizon and self._keep_newer((key.tenant, key.source), PeriodKey(key.period, key.start),
                                                         totals):
                loaded += 1
        for pair in pairs:
            self._known_since[pair] = min(self._known_since.get(pair, horizon), horizon)
        return loaded

    def restore(self, state: AgencyState) -> None:
        """Take over an (agency, source)'s state as the store kept it (last read, totals, what is known)."""
        pair = (state.tenant, state.source)
        held = self._baselines.get(pair)
        if state.baseline is not None and (held is None or held.at < state.baseline.at):
            self._baselines[pair] = state.baseline
        if state.known_since is not None:
            self._known_since[pair] = state.known_since
        for period_key, totals in state.totals.items():
            self._keep_newer(pair, period_key, totals)

    def state(self, tenant: str, source: str) -> AgencyState:
        """An (agency, source)'s state, for the store."""
        pair = (tenant, source)
        return AgencyState(tenant, source, self._known_since.get(pair), self._baselines.get(pair),
                           dict(self._totals.get(pair, {})))

    def apply(self, counters: AgencyCounters) -> Applied:
        """Account a new read of an agency's counters; return the deltas and the upsert items it produced."""
        pair = (counters.tenant, counters.device)
        previous = self._baselines.get(pair)
        if previous is not None and (previous.kind, previous.counter) != (counters.kind, counters.counter):
            previous = None  # another source now: its counters do not continue the old ones
        self._baselines[pair] = counters
        down, up = (
            counter_delta(previous and previous.reading(direction), counters.reading(direction),
                          speed_bps=counters.speed_bps, max_interval=self.max_interval)
            for direction in ("down", "up")
        )
        known_since = self._known_since.get(pair)
        if previous is None or known_since is None or counters.at <= previous.at:
            return Applied(down, up)
        items = self._add(pair, previous.at, counters.at, down, up, known_since)
        self._forget_before(pair, self._horizon(counters.at))
        return Applied(down, up, items)

    def _add(self, pair, t0: float, t1: float, down: Delta, up: Delta, known_since: date) -> tuple[dict, ...]:
        periods = self._totals.setdefault(pair, {})
        # Traffic up to the totals' observed_at is in them already: count only the interval's part after it.
        covered = max((t.observed_at for t in periods.values() if t.observed_at is not None), default=t0)
        start = max(t0, covered)
        if start >= t1:
            return ()
        parts_in = split_by_period(start, t1, _share_after(down.octets, t0, t1, start), self.tz)
        parts_out = split_by_period(start, t1, _share_after(up.octets, t0, t1, start), self.tz)
        sample = int(down.kept and up.kept)
        items = []
        for period_key, part_in in parts_in.items():
            if period_key.start < known_since:
                continue  # a period whose total we do not know: writing it would roll NetBox's back
            held = periods.get(period_key, Totals())
            totals = Totals(held.bytes_in + part_in, held.bytes_out + parts_out[period_key], held.samples + sample,
                            t1)
            periods[period_key] = totals
            items.append(usage_item(UsageKey(pair[0], period_key.period, period_key.start, pair[1]), totals, self.tz))
        return tuple(items)

    def _keep_newer(self, pair, period_key: PeriodKey, totals: Totals) -> bool:
        periods = self._totals.setdefault(pair, {})
        held = periods.get(period_key)
        if held is not None and (held.observed_at or 0) >= (totals.observed_at or 0):
            return False
        periods[period_key] = totals
        return True

    def _forget_before(self, pair, horizon: date) -> None:
        periods = self._totals.get(pair, {})
        for period_key in [k for k in periods if k.start < horizon]:
            del periods[period_key]
        self._known_since[pair] = max(self._known_since[pair], horizon)

    def _horizon(self, now: float) -> date:
        """The first day of the previous month: older periods are final and forgotten."""
        this_month = datetime.fromtimestamp(now, self.tz).date().replace(day=1)
        return _add_months(this_month, -1)


def _add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _share_after(octets: int, t0: float, t1: float, start: float) -> int:
    """The octets of [t0, t1] that fall after ``start``, rounded as periods.split_by_period rounds."""
    if start <= t0:
        return octets
    return octets - octets * (Fraction(start) - Fraction(t0)) // (Fraction(t1) - Fraction(t0))


def usage_item(key: UsageKey, totals: Totals, tz: ZoneInfo = REGENCY_TZ) -> dict:
    """The upsert's item of a total (docs/quota-usage-api.md), JSON-ready; ``usage_row`` reads it back."""
    return {
        "tenant": key.tenant, "period": key.period, "period_start": key.start.isoformat(), "source": key.source,
        "bytes_in": totals.bytes_in, "bytes_out": totals.bytes_out, "samples": totals.samples,
        "observed_at": iso_timestamp(totals.observed_at, tz),
    }


def usage_row(row: Mapping) -> tuple[UsageKey, Totals]:
    """The key and totals of a quota-usage row as the API returns it (nested tenant and period choice) or of an
    upsert item; ValueError naming the field and the value when the row is not one."""
    tenant = row.get("tenant")
    tenant = tenant.get("slug") if isinstance(tenant, Mapping) else tenant
    period = row.get("period")
    period = period.get("value") if isinstance(period, Mapping) else period
    if not isinstance(tenant, str) or not tenant:
        raise ValueError(f"quota-usage row: tenant must be an agency slug, got {row.get('tenant')!r}")
    if period not in (DAY, MONTH):
        raise ValueError(f"quota-usage row: period must be 'day' or 'month', got {row.get('period')!r}")
    try:
        start = date.fromisoformat(str(row.get("period_start")))
        observed = datetime.fromisoformat(str(row.get("observed_at")))
    except ValueError as error:
        raise ValueError(f"quota-usage row of {tenant}: {error}") from None
    if observed.tzinfo is None:
        raise ValueError(
            f"quota-usage row of {tenant}: observed_at must carry a UTC offset, got {row.get('observed_at')!r}"
        )
    numbers = {}
    for name in ("bytes_in", "bytes_out", "samples"):
        value = row.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"quota-usage row of {tenant}: {name} must be a non-negative integer, got {value!r}")
        numbers[name] = value
    source = row.get("source") or ""
    return UsageKey(tenant, period, start, source), Totals(**numbers, observed_at=observed.timestamp())
