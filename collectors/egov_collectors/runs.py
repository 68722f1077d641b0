"""The record of a run of RQ jobs in Redis (a poll cycle, a reconciliation run): which run, its batches left, its
overruns.

One hash per kind of run: ``id``, ``left``, ``started``, ``devices``, ``finished``, ``overruns``,
``last_overrun``. The batches left count only while a key beside it lives (two intervals): a worker that died
with a job never blocks the runs after it for good. A scheduler asks ``overrunning()`` before starting a run: a
run still going when the next is due is counted, not stacked.
"""

import time
from datetime import datetime

from .periods import REGENCY_TZ


class RunRecord:
    def __init__(self, client, key: str, interval: int):
        self.redis = client
        self.key = key
        self.interval = interval

    def overrunning(self) -> tuple[str, int] | None:
        """(id, batches left) of a run still going, counted as an overrun; None when the last one is done."""
        left = int(self.redis.hget(self.key, "left") or 0)
        if left <= 0 or not self.redis.exists(f"{self.key}:left-alive"):
            return None
        self.redis.hincrby(self.key, "overruns", 1)
        self.redis.hset(self.key, "last_overrun", time.time())
        return text(self.redis.hget(self.key, "id")), left

    def start(self, name: str, plan_of, enqueue, log, prefix: str = "", skipped_as: str = "left out"):
        """Start a run of ``plan_of()``'s batches unless the last one is still going: (run id or None, what
        happened). ``name`` says what a run is ("cycle", "reconciliation run"); ``enqueue(run, batch)`` puts one
        job on the queue; each device the plan skipped is logged after ``skipped_as``."""
        if running := self.overrunning():
            last, left = running
            message = (f"{name} {last} overran its interval of {self.interval} s: {left} batches still running; "
                       f"the next {name.split()[-1]} starts when it is done")
            log.warning(message)
            return None, message
        plan = plan_of()
        run = prefix + datetime.now(REGENCY_TZ).strftime("%Y%m%dT%H%M%S")
        devices = sum(len(batch.targets) for batch in plan.batches)
        self.begin(run, len(plan.batches), devices)
        for batch in plan.batches:
            enqueue(run, batch)
        for reason in plan.skipped:
            log.warning("%s: %s", skipped_as, reason)
        return run, f"{name} {run}: {len(plan.batches)} jobs, {devices} devices"

    def begin(self, run: str, batches: int, devices: int) -> None:
        with self.redis.pipeline() as pipe:
            pipe.hset(self.key, mapping={"id": run, "left": batches, "started": time.time(), "devices": devices})
            pipe.set(f"{self.key}:left-alive", 1, ex=2 * self.interval)
            pipe.execute()

    def batch_done(self, run: str) -> None:
        """One job of ``run`` ended; a job of an older run (finished late) changes nothing."""
        if text(self.redis.hget(self.key, "id") or b"") != run:
            return
        if self.redis.hincrby(self.key, "left", -1) <= 0:
            self.redis.hset(self.key, mapping={"left": 0, "finished": time.time()})


def text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
