"""A poll cycle: what to poll, cut into RQ jobs any worker runs; each job polls its devices and accounts them.

``plan_cycle`` asks NetBox (two list calls) for the targets and the quotas and cuts them into batches; the
scheduler (``start_cycle``) puts one RQ job per batch on the collectors' queue, so N workers on M machines share
a cycle (ARCHITECTURE contract 6). A job (``run_batch``):

1. claims each device for the cycle in Redis (``SET NX``): a job run twice, or two jobs naming one device, never
   poll it twice in one cycle;
2. skips devices still backed off after failures, so dead devices never delay live ones;
3. polls the rest over SNMP (and the nftables counters of Linux gateways over SSH);
4. accounts each quota enforced on a polled device (``accounting.Ledger``), resuming from the store (or from
   NetBox's stored totals the first time), spools the upsert items on disk, then stores the poll and the agencies'
   states for the exporter, and flushes the spool to NetBox (a NetBox outage leaves them spooled, replayed later).

A cycle still running when the next is due is reported (``overruns`` in the cycle's record), not stacked.
"""

import asyncio
import json
import logging
import os
import socket
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

import redis

from . import accounting, secrets
from .model import DevicePoll, Target
from .netbox import NetBox, NetBoxRefused, NetBoxUnavailable
from .nft import NftError, read_target
from .periods import REGENCY_TZ
from .runs import RunRecord
from .settings import Settings
from .snmp import poll_many
from .snmp.backoff import Backoff, BackoffState
from .spool import FlushResult, Rejected, Spool
from .store import CollectorStore

log = logging.getLogger(__name__)

KEY = "egov:collector"
PLAN_KEY = f"{KEY}:plan"  # the last plan NetBox gave: polling goes on while NetBox is away
CYCLE_KEY = f"{KEY}:cycle"  # hash: the current cycle, its batches left, overruns
BACKOFF_KEY = f"{KEY}:backoff"  # hash: device -> its backoff state


@dataclass(frozen=True)
class Batch:
    """One RQ job's work: devices to poll and the quotas enforced on them."""

    targets: tuple[Target, ...]
    enforcements: tuple[accounting.Enforcement, ...] = ()


@dataclass(frozen=True)
class Plan:
    batches: tuple[Batch, ...]
    skipped: tuple[str, ...] = ()  # devices NetBox names but that cannot be polled, with the reason


@dataclass
class DeviceReport:
    """What one device gave in a job: the poll, its agencies, and what went wrong (for the CLI's table)."""

    poll: DevicePoll
    measured: dict[str, str] = field(default_factory=dict)  # agency -> source kind ("queue", "nft", "interface")
    unmeasured: dict[str, str] = field(default_factory=dict)  # agency -> why not
    nft_error: str = ""
    skipped: str = ""  # why it was not polled this time (claimed by another job, backed off)


def enforcements_of(quotas) -> list[accounting.Enforcement]:
    """The enforcement points of NetBox's quotas (``netbox.Quota``); a quota enforced nowhere is not measured."""
    points = []
    for quota in quotas:
        device = quota.enforcement_device or quota.interface_device
        if not device:
            continue
        on_device = quota.enforcement_interface and quota.interface_device == device
        points.append(accounting.Enforcement(
            tenant=quota.tenant, device=device, interface=quota.enforcement_interface if on_device else "",
            interface_is_agency_own=bool(on_device and quota.interface_is_agency),
        ))
    return points


def plan_cycle(netbox: NetBox, batch_size: int, names=None) -> Plan:
    """Targets and quotas from NetBox, cut into batches of ``batch_size`` devices."""
    targets = netbox.targets(names)
    by_device: dict[str, list] = {}
    for point in enforcements_of(netbox.quotas()):
        by_device.setdefault(point.device, []).append(point)
    batches = []
    for start in range(0, len(targets), batch_size):
        chunk = tuple(targets[start:start + batch_size])
        batches.append(Batch(chunk, tuple(p for t in chunk for p in by_device.get(t.device, ()))))
    return Plan(tuple(batches), tuple(skipped.reason for skipped in targets.skipped))


class Collector:
    """What a job needs, opened once per process: Redis, the store, the spool, NetBox and the settings."""

    def __init__(self, settings: Settings, client: redis.Redis | None = None, worker: str = ""):
        self.settings = settings
        self.redis = client or redis.Redis.from_url(settings.redis_url)
        self.store = CollectorStore(self.redis)
        self._spool: Spool | None = None
        self.netbox = NetBox(settings.netbox_url, settings.netbox_token, timeout=settings.netbox_timeout)
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self.cycles = RunRecord(self.redis, CYCLE_KEY, settings.interval)

    @property
    def spool(self) -> Spool:
        """Opened when a job first needs it: the scheduler never writes usage (its unit has no state directory)."""
        if self._spool is None:
            self._spool = Spool(self.settings.spool_dir)
        return self._spool

    # The scheduler's side.

    def current_plan(self, names=None) -> Plan:
        """A plan from NetBox; while NetBox is unavailable, the last one it gave (kept in Redis)."""
        try:
            plan = plan_cycle(self.netbox, self.settings.batch_size, names)
        except NetBoxUnavailable as error:
            if names:
                raise  # named devices: only NetBox can say what they are now
            kept = self.redis.get(PLAN_KEY)
            if kept is None:
                raise
            log.warning("NetBox unavailable (%s): polling the last plan it gave", error)
            return _plan_from_json(kept)
        if not names:
            self.redis.set(PLAN_KEY, _plan_json(plan))
        return plan

    def start_cycle(self, enqueue) -> tuple[str | None, str]:
        """Start a cycle unless the last one is still running: (cycle id or None, what happened).

        ``enqueue(cycle, batch)`` puts one job on the queue (``runs.RunRecord`` counts the batches left)."""
        return self.cycles.start("cycle", self.current_plan, enqueue, log, skipped_as="not polled")

    def batch_done(self, cycle: str) -> None:
        """One job of ``cycle`` ended; a job of an older cycle (finished late) changes nothing."""
        self.cycles.batch_done(cycle)

    # A job's side.

    def run_batch(self, cycle: str, batch: Batch, on_poll=None) -> list[DeviceReport]:
        """Poll and account one batch (see the module's docstring); ``on_poll(poll)`` as each device answers."""
        claimed, reports = self._claim(cycle, batch.targets)
        secrets_store = secrets.SecretStore.load(self.settings.secrets_path)
        backoff = self._backoff(claimed)
        polls = asyncio.run(_poll_all(claimed, secrets_store, self.settings, backoff, on_poll))
        self._save_backoff(backoff, claimed)
        by_device: dict[str, list] = {}
        for point in batch.enforcements:
            by_device.setdefault(point.device, []).append(point)
        targets = {t.device: t for t in claimed}
        for poll in polls:
            reports.append(self._account(targets[poll.device], poll, by_device.get(poll.device, ()), secrets_store))
        self.flush()
        return reports

    def flush(self) -> FlushResult:
        result = self.spool.flush(self._send)
        if result.pending:
            log.warning("%d usage batches spooled, NetBox did not take them yet: %s", result.pending, result.error)
        return result

    def _send(self, items) -> None:
        try:
            self.netbox.upsert(items)
        except NetBoxRefused as error:
            raise Rejected(str(error), error.status) from None

    def _claim(self, cycle: str, targets) -> tuple[list[Target], list[DeviceReport]]:
        """The targets this job polls: those no other job of the cycle has claimed."""
        claimed, skipped = [], []
        for target in targets:
            if self.redis.set(f"{KEY}:claim:{cycle}:{target.device}", self.worker, nx=True,
                              ex=2 * self.settings.interval):
                claimed.append(target)
            else:
                skipped.append(_skipped(target, "polled by another job of this cycle"))
        return claimed, skipped

    def _backoff(self, targets) -> Backoff:
        """The backoff states of these devices, as the jobs of earlier cycles left them (any worker's)."""
        names = [t.device for t in targets]
        raw = self.redis.hmget(BACKOFF_KEY, names) if names else []
        return Backoff(states={name: BackoffState(*json.loads(value)) for name, value in zip(names, raw, strict=True)
                               if value is not None})

    def _save_backoff(self, backoff: Backoff, targets) -> None:
        names = [t.device for t in targets]
        kept = {n: json.dumps([backoff.states[n].failures, backoff.states[n].skip]) for n in names
                if n in backoff.states}
        with self.redis.pipeline() as pipe:
            if names:
                pipe.hdel(BACKOFF_KEY, *names)
            if kept:
                pipe.hset(BACKOFF_KEY, mapping=kept)
            pipe.execute()

    def _account(self, target: Target, poll: DevicePoll, points, secrets_store) -> DeviceReport:
        report = DeviceReport(poll)
        counters, nft_at = None, None
        if points and target.ssh_credential:
            try:
                counters = read_target(target, secrets_store, known_hosts=self.settings.known_hosts)
                nft_at = time.time()
            except NftError as error:
                report.nft_error = str(error)
        ledger = self._ledger(target.device, [p.tenant for p in points])
        items, discards = [], Counter()
        for point in points:
            source = accounting.select_source(point, poll, counters, nft_at)
            if isinstance(source, accounting.Unmeasured):
                report.unmeasured[point.tenant] = source.reason
                continue
            applied = ledger.apply(source)
            report.measured[point.tenant] = source.kind
            items += applied.items
            discards.update(applied.discards)
        if items:
            self.spool.put(items)  # on disk before the states move on: a crash now loses nothing
        self.store.write_device(poll, agencies=[ledger.state(p.tenant, target.device) for p in points],
                                discards=dict(discards), worker=self.worker)
        return report

    def _ledger(self, device: str, tenants) -> accounting.Ledger:
        """The device's agencies as the store kept them; agencies it has never seen are seeded from NetBox."""
        ledger = accounting.Ledger()
        states = self.store.agency_states(device)
        for state in states.values():
            ledger.restore(state)
        unknown = [t for t in tenants if states.get(t) is None or states[t].known_since is None]
        if unknown:
            try:
                rows = self.netbox.stored_totals(_months_kept(), sources=[device])
                ledger.seed(rows, now=time.time(), scope=[(tenant, device) for tenant in unknown])
            except NetBoxUnavailable as error:
                # Not seeded: the ledger writes nothing for these agencies until NetBox says what it holds.
                log.warning("%s: stored totals not read (%s); its agencies start counting once NetBox answers",
                            device, error)
        return ledger


async def _poll_all(targets, secrets_store, settings: Settings, backoff: Backoff, on_poll=None) -> list[DevicePoll]:
    polls = []
    async for poll in poll_many(targets, secrets_store.snmp, concurrency=settings.concurrency,
                                deadline=settings.deadline, backoff=backoff):
        polls.append(poll)
        if on_poll:
            on_poll(poll)
    return polls


def _skipped(target: Target, reason: str) -> DeviceReport:
    return DeviceReport(DevicePoll(target.device, time.time(), 0.0, ok=False, error=reason), skipped=reason)


def _months_kept() -> list[date]:
    """Every period start of this month and the previous one (days and months): what the ledger still writes."""
    today = datetime.now(REGENCY_TZ).date()
    previous_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return [previous_month + timedelta(days=n) for n in range((today - previous_month).days + 1)]


def _plan_json(plan: Plan) -> str:
    """The plan kept in Redis: JSON, so nothing stored there is ever executed on load (unlike a pickle)."""
    return json.dumps([{"targets": [asdict(t) for t in batch.targets],
                        "enforcements": [asdict(p) for p in batch.enforcements]} for batch in plan.batches])


def _plan_from_json(raw) -> Plan:
    return Plan(tuple(Batch(tuple(Target(**t) for t in batch["targets"]),
                            tuple(accounting.Enforcement(**p) for p in batch["enforcements"]))
                      for batch in json.loads(raw)))
