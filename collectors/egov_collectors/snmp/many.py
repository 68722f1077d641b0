"""Poll many devices: ``poll_many``, with bounded concurrency, a deadline per device and dead devices backed off.

``concurrency`` workers take the targets one at a time from a shared list, so a slow or dead device occupies one
worker for at most ``deadline`` seconds while the others go on; with a ``Backoff`` kept between cycles, devices that
failed lately sit the cycle out (they come back at once as failed polls saying so) and those that failed before
are polled after the healthy ones. Every target gets exactly one ``DevicePoll`` per call (a device listed twice
is polled once), in the order the polls finish.
"""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable

from egov_collectors.model import Credential, DevicePoll, Target
from egov_collectors.snmp.backoff import Backoff, BackoffState
from egov_collectors.snmp.client import SnmpClient, failed_poll, poll_device

logger = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 64
DEFAULT_DEADLINE = 30.0  # seconds per device


async def poll_many(
    targets: Iterable[Target],
    resolve: Callable[[str], Credential],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    deadline: float | None = DEFAULT_DEADLINE,
    backoff: Backoff | None = None,
    client: SnmpClient | None = None,
) -> AsyncIterator[DevicePoll]:
    """Poll every target once and yield each ``DevicePoll`` as it completes.

    ``resolve`` turns a target's credential name into its ``Credential``; a name it cannot resolve fails that device
    only. ``backoff`` (the caller's, kept across cycles) is read and updated; ``client`` is shared when given."""
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, not {concurrency!r}")
    unique: dict[str, Target] = {}
    for target in targets:
        unique.setdefault(target.device, target)
    plan = (backoff if backoff is not None else Backoff()).plan
    due, sitting_out = plan(unique.values(), name=lambda target: target.device)
    for target, state in sitting_out:
        yield _sat_out(target, state)
    if client is None:
        async with SnmpClient() as own:
            async for poll in _poll_due(due, resolve, concurrency, deadline, backoff, own):
                yield poll
    else:
        async for poll in _poll_due(due, resolve, concurrency, deadline, backoff, client):
            yield poll


async def _poll_due(due, resolve, concurrency, deadline, backoff, client) -> AsyncIterator[DevicePoll]:
    finished: asyncio.Queue[DevicePoll] = asyncio.Queue()
    remaining = iter(due)  # shared by the workers: each target is taken by exactly one

    async def worker():
        for target in remaining:
            finished.put_nowait(await _poll_one(target, resolve, deadline, client))

    workers = [asyncio.create_task(worker()) for _ in range(min(concurrency, len(due)))]
    try:
        for _ in due:
            poll = await finished.get()
            if backoff is not None:
                backoff.record(poll.device, poll.ok)
            yield poll
    finally:  # also when the caller stops iterating early
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)


async def _poll_one(target: Target, resolve, deadline, client: SnmpClient) -> DevicePoll:
    started = time.monotonic()
    try:
        credential = resolve(target.credential)
    except Exception as exc:  # the resolver's own errors name the profile, never a secret
        return failed_poll(target, started, f"credential {target.credential!r} cannot be resolved: {exc}")
    try:
        return await poll_device(target, credential, deadline=deadline, client=client)
    except Exception as exc:  # a bug must not stop the cycle for every other device
        logger.exception("polling %s failed unexpectedly", target.device)
        return failed_poll(target, started, f"internal error: {type(exc).__name__}: {exc}")


def _sat_out(target: Target, state: BackoffState) -> DevicePoll:
    cycles = state.skip + 1
    return DevicePoll(
        device=target.device,
        polled_at=time.time(),
        duration=0.0,
        ok=False,
        error=(
            f"{target.device}: not polled in this cycle after {state.failures} failed polls in a row; "
            f"next attempt in {cycles} cycle{'s' if cycles > 1 else ''}"
        ),
    )
