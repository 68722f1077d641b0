"""The RQ job of a poll cycle: ``poll_batch`` runs in ``egov-collector worker`` processes on any machine."""

from rq import get_current_job

from .cycle import Batch, Collector
from .settings import Settings

_collector: Collector | None = None  # one per worker process: its Redis, spool and NetBox sessions are reused


def collector() -> Collector:
    global _collector
    if _collector is None:
        job = get_current_job()
        # The RQ worker's name, not the pid: RQ runs each job in a fresh fork of its worker.
        _collector = Collector(Settings.from_env(), worker=job.worker_name if job else "")
    return _collector


def poll_batch(cycle: str, batch: Batch) -> dict:
    """Poll and account one batch of a cycle; the batch counts as done however it ends."""
    try:
        reports = collector().run_batch(cycle, batch)
    finally:
        collector().batch_done(cycle)
    return {"cycle": cycle, "devices": [{"device": r.poll.device, "ok": r.poll.ok, "error": r.poll.error,
                                         "skipped": r.skipped, "measured": r.measured} for r in reports]}

