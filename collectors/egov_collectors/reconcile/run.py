"""A reconciliation run: the devices cut into RQ jobs; each job reads its devices, compares, reports.

``Reconciler.start_run`` (the scheduler, every EGOV_COLLECTOR_RECONCILE_INTERVAL) asks NetBox for the targets
(three list requests) and puts one job per batch of BATCH_SIZE devices on the collectors' RQ queue, beside the
poll cycles; a run still going when the next is due is reported, not stacked. A job (``run_batch``):

1. claims each device, for the run (``SET NX``, as polls are claimed: a job run twice never reads a device twice)
   and while it reads it (a Redis lock: ``egov-collector reconcile`` by hand and a scheduled job never read one
   device at once);
2. reads the devices over SSH with NAPALM, EGOV_COLLECTOR_RECONCILE_CONCURRENCY at a time (``facts``);
3. reads what NetBox documents for them in a constant number of list requests (``documentation``);
4. compares (``compare``) and puts one report per device in the findings spool on disk, then sends the spool to
   NetBox. While NetBox is away the reports wait there and go, oldest first, with the next job's flush; a report
   NetBox refuses (4xx) is set aside as a dead letter with NetBox's message (``spool``).
"""

import contextlib
import logging
import os
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import NamedTuple

import redis

from .. import secrets
from ..netbox import NetBox, NetBoxError, NetBoxRefused
from ..runs import RunRecord
from ..settings import Settings
from ..spool import FlushResult, Rejected, Spool
from .compare import findings as compare
from .documentation import Documentation, read_documentation, reconcile_targets
from .facts import read_target
from .records import DeviceFacts, Finding, ReconcileError, ReconcileTarget
from .report import report, unreachable_report
from .resolve import system_names

log = logging.getLogger(__name__)

KEY = "egov:collector:reconcile"
RUN_KEY = f"{KEY}:run"  # hash: the current run, its batches left, overruns
SPOOL_FOLDER = "findings"  # under EGOV_COLLECTOR_SPOOL_DIR
SPOOL_DATABASE = "findings-spool.sqlite3"


@dataclass(frozen=True)
class Batch:
    """One RQ job's work: devices to reconcile, and the platforms of network devices (ids: their links should
    show in LLDP)."""

    targets: tuple[ReconcileTarget, ...]
    network_platforms: tuple[int, ...] = ()


@dataclass(frozen=True)
class RunPlan:
    batches: tuple[Batch, ...]
    skipped: tuple[str, ...] = ()  # devices named or found that cannot be reconciled, with the reason


@dataclass
class DeviceResult:
    """What happened to one device in a job (the CLI's table, the job's return value)."""

    device: str
    reached: bool = False
    complete: bool = False
    duration: float = 0.0
    error: str = ""  # why it was not read or not compared (names the device)
    error_kind: str = ""
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict | None = None  # NetBox's answer to the report
    delivery: str = ""  # "sent", "spooled: <why>", "refused: <why>", "" when there was nothing to report
    skipped: str = ""  # why it was not read this time (claimed by another job or run)

    @property
    def ok(self) -> bool:
        """Read completely, compared, and the report taken by NetBox."""
        return self.reached and self.complete and not self.error and self.delivery == "sent"

    def summary(self) -> dict:
        return {"device": self.device, "reached": self.reached, "complete": self.complete,
                "duration": round(self.duration, 3), "error": self.error, "error_kind": self.error_kind,
                "findings": [finding.item() for finding in self.findings], "notes": self.notes,
                "counts": self.counts, "delivery": self.delivery, "skipped": self.skipped}


class Read(NamedTuple):
    """One device's read: its facts or why not, its result so far, and when (epoch seconds)."""

    outcome: DeviceFacts | ReconcileError
    result: DeviceResult
    at: float


def plan_run(netbox: NetBox, batch_size: int, names=None) -> RunPlan:
    """The targets from NetBox, cut into batches of ``batch_size`` devices."""
    plan = reconcile_targets(netbox, names)
    platforms = tuple(sorted(plan.network_platforms))
    targets = list(plan.targets)
    batches = tuple(Batch(tuple(targets[start:start + batch_size]), platforms)
                    for start in range(0, len(targets), batch_size))
    return RunPlan(batches, tuple(skipped.reason for skipped in plan.targets.skipped))


class Reconciler:
    """What a reconciliation job needs, opened once per process: Redis, NetBox, the findings spool, settings."""

    def __init__(self, settings: Settings, client: redis.Redis | None = None, worker: str = ""):
        self.settings = settings
        self.redis = client or redis.Redis.from_url(settings.redis_url)
        self.netbox = NetBox(settings.netbox_url, settings.netbox_token, timeout=settings.netbox_timeout)
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self.runs = RunRecord(self.redis, RUN_KEY, settings.reconcile_interval)
        self._spool: Spool | None = None

    @property
    def spool(self) -> Spool:
        """Opened when a job first needs it: the scheduler never reports (its unit has no state directory)."""
        if self._spool is None:
            self._spool = Spool(self.settings.spool_dir / SPOOL_FOLDER, database=SPOOL_DATABASE)
        return self._spool

    # The scheduler's side.

    def plan(self, names=None) -> RunPlan:
        return plan_run(self.netbox, self.settings.batch_size, names)

    def start_run(self, enqueue) -> tuple[str | None, str]:
        """Start a run unless the last one is still going: (run id or None, what happened). ``enqueue(run,
        batch)`` puts one job on the queue (``runs.RunRecord`` counts the batches left)."""
        return self.runs.start("reconciliation run", self.plan, enqueue, log, prefix="reconcile-",
                               skipped_as="not reconciled")

    def batch_done(self, run: str) -> None:
        """One job of ``run`` ended; a job of an older run (finished late) changes nothing."""
        self.runs.batch_done(run)

    # A job's side.

    def run_batch(self, run: str, batch: Batch, on_device=None) -> list[DeviceResult]:
        """Reconcile one batch (the module's docstring); ``on_device(result)`` as each device has been read."""
        claimed, locks, results = self._claim(run, batch.targets)
        try:
            store = secrets.SecretStore.load(self.settings.secrets_path)
            read = self._read_all(claimed, store, on_device)
            reports = self._compare(claimed, read, batch.network_platforms)
            results += [read[t.device].result for t in claimed]
            self._deliver(reports, {t.device_id: read[t.device].result for t in claimed})
        finally:
            for lock in locks:
                _release(lock)
        return results

    def flush(self) -> FlushResult:
        """Send what the findings spool holds (each job does this after spooling its reports)."""
        return self.spool.flush(self._sender({}))

    def _claim(self, run: str, targets):
        """The targets this job reads: those no other job of the run has claimed and nobody is reading now."""
        claimed, locks, skipped = [], [], []
        ttl = 2 * self.settings.reconcile_interval
        for target in targets:
            if not self.redis.set(f"{KEY}:claim:{run}:{target.device}", self.worker, nx=True, ex=ttl):
                skipped.append(DeviceResult(target.device, skipped="reconciled by another job of this run"))
                continue
            lock = self.redis.lock(f"{KEY}:busy:{target.device}", timeout=self.settings.reconcile_interval,
                                   blocking=False)
            if not lock.acquire():
                skipped.append(DeviceResult(target.device, skipped="being reconciled by another job right now"))
                continue
            claimed.append(target)
            locks.append(lock)
        return claimed, locks, skipped

    def _read_all(self, targets, store, on_device) -> dict[str, Read]:
        """Each device's facts (or why not), read EGOV_COLLECTOR_RECONCILE_CONCURRENCY at a time."""
        def read(target):
            started = time.monotonic()
            try:
                outcome = read_target(target, store, known_hosts=self.settings.known_hosts,
                                      timeout=self.settings.reconcile_timeout)
                result = DeviceResult(target.device, reached=True, complete=outcome.complete,
                                      duration=outcome.duration, notes=list(outcome.notes))
            except ReconcileError as error:
                outcome = error
                result = DeviceResult(target.device, duration=time.monotonic() - started, error=str(error),
                                      error_kind=error.kind)
                log.warning("not read: %s", error)
            if on_device:
                on_device(result)
            return target.device, Read(outcome, result, time.time())

        workers = max(1, min(self.settings.reconcile_concurrency, len(targets)))
        with ThreadPoolExecutor(workers, thread_name_prefix="reconcile") as pool:
            return dict(pool.map(read, targets))

    def _compare(self, targets, read: dict[str, Read], network_platforms) -> list[dict]:
        """The reports of the batch: findings of the devices read, ``device_unreachable`` of the others."""
        reached = [t for t in targets if isinstance(read[t.device].outcome, DeviceFacts)]
        documentation = self._documentation(reached, read, network_platforms)
        reports = []
        for target in targets:
            outcome, result, observed_at = read[target.device]
            if isinstance(outcome, ReconcileError):
                if (unreachable := unreachable_report(target, outcome, observed_at)) is not None:
                    reports.append(unreachable)
            elif documentation is not None:
                result.findings = compare(target, outcome, documentation.interfaces.get(target.device_id, ()),
                                          documentation.directory)
                reports.append(report(target, result.findings, outcome.complete, observed_at))
        return reports

    def _documentation(self, reached, read, network_platforms) -> Documentation | None:
        if not reached:
            return Documentation()
        names = system_names(n for t in reached for n in read[t.device].outcome.neighbours or ())
        try:
            return read_documentation(self.netbox, reached, names, frozenset(network_platforms))
        except NetBoxError as error:
            # Without the documentation nothing can be compared: the facts read are dropped, nothing is reported.
            for target in reached:
                result = read[target.device].result
                result.error = f"{target.device}: read, but not compared: {error}"
                result.error_kind = "netbox"
            log.warning("NetBox documentation not read, %d devices not compared: %s", len(reached), error)
            return None

    def _deliver(self, reports: list[dict], results: dict[int, DeviceResult]) -> None:
        """Spool the reports (on disk before anything is sent: a crash loses none), then send the spool."""
        for item in reports:
            self.spool.put([item])
        answers: dict[int, str | dict] = {}
        flushed = self.spool.flush(self._sender(answers))
        for item in reports:
            result = results[item["device"]]
            answer = answers.get(item["device"])
            if isinstance(answer, dict):
                result.counts, result.delivery = answer, "sent"
            elif isinstance(answer, str):
                result.delivery = f"refused: {answer}"
            else:
                result.delivery = f"spooled: {flushed.error or 'another process is sending the spool'}"

    def _sender(self, answers: dict):
        """send(items) for the spool: one report per spooled batch; NetBox's answer kept by device id."""
        def send(items):
            item = items[0]
            try:
                answers[item["device"]] = self.netbox.report_findings(item)
            except NetBoxRefused as error:
                answers[item["device"]] = str(error)
                raise Rejected(str(error), error.status) from None
        return send


def _release(lock) -> None:
    # A lock that expired (the job outlived its time) may be someone else's now: theirs to release.
    with contextlib.suppress(redis.exceptions.LockError):
        lock.release()
