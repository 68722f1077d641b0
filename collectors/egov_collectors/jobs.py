"""The RQ jobs, run in ``egov-collector worker`` processes on any machine: ``poll_batch`` (a poll cycle's batch) and
``reconcile_batch`` (a reconciliation run's batch), on the same queue."""

from rq import get_current_job

from .cycle import Batch, Collector
from .reconcile.run import Batch as ReconcileBatch
from .reconcile.run import Reconciler
from .settings import Settings

# One of each per worker process: their Redis, spool and NetBox sessions are reused.
_collector: Collector | None = None
_reconciler: Reconciler | None = None


def worker_name() -> str:
    # The RQ worker's name, not the pid: RQ runs each job in a fresh fork of its worker.
    job = get_current_job()
    return job.worker_name if job else ""


def collector() -> Collector:
    global _collector
    if _collector is None:
        _collector = Collector(Settings.from_env(), worker=worker_name())
    return _collector


def reconciler() -> Reconciler:
    global _reconciler
    if _reconciler is None:
        _reconciler = Reconciler(Settings.from_env(), worker=worker_name())
    return _reconciler


def poll_batch(cycle: str, batch: Batch) -> dict:
    """Poll and account one batch of a cycle; the batch counts as done however it ends."""
    try:
        reports = collector().run_batch(cycle, batch)
    finally:
        collector().batch_done(cycle)
    return {"cycle": cycle, "devices": [{"device": r.poll.device, "ok": r.poll.ok, "error": r.poll.error,
                                         "skipped": r.skipped, "measured": r.measured} for r in reports]}


def reconcile_batch(run: str, batch: ReconcileBatch) -> dict:
    """Reconcile one batch of a run; the batch counts as done however it ends."""
    try:
        results = reconciler().run_batch(run, batch)
    finally:
        reconciler().batch_done(run)
    return {"run": run, "devices": [result.summary() for result in results]}
