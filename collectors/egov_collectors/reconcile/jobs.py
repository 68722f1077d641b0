"""The RQ job of a reconciliation run: ``reconcile_batch`` runs in ``egov-collector worker`` processes, on the
same queue as the poll cycles' jobs."""

from rq import get_current_job

from ..settings import Settings
from .run import Batch, Reconciler

_reconciler: Reconciler | None = None  # one per worker process: its Redis, spool and NetBox sessions are reused


def reconciler() -> Reconciler:
    global _reconciler
    if _reconciler is None:
        job = get_current_job()
        # The RQ worker's name, not the pid: RQ runs each job in a fresh fork of its worker.
        _reconciler = Reconciler(Settings.from_env(), worker=job.worker_name if job else "")
    return _reconciler


def reconcile_batch(run: str, batch: Batch) -> dict:
    """Reconcile one batch of a run; the batch counts as done however it ends."""
    try:
        results = reconciler().run_batch(run, batch)
    finally:
        reconciler().batch_done(run)
    return {"run": run, "devices": [result.summary() for result in results]}
