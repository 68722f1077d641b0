"""spool: batches survive kill -9, go out in order, a refused one steps aside, several processes share the spool."""

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from egov_collectors.spool import DATABASE, Rejected, Spool, is_permanent

COLLECTORS = Path(__file__).resolve().parents[1]


def usage(n, tenant="disdik"):
    return [{"tenant": tenant, "period": "day", "period_start": "2026-11-27", "source": "gw-disdik",
             "bytes_in": n, "bytes_out": n, "samples": n, "observed_at": "2026-11-27T12:00:00+07:00"}]


class Clock:
    """Time that moves when the test says (the backoff is waited out without sleeping)."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now


class NetBox:
    """A sender that records what it was given, failing the way a test asks: one outcome per call."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.received = []

    def __call__(self, items):
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if isinstance(outcome, Exception):
            raise outcome
        self.received.append(items)


def batch_numbers(batches):
    return [batch[0]["bytes_in"] for batch in batches]


def python(script, *args):
    env = dict(os.environ, PYTHONPATH=str(COLLECTORS))
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *map(str, args)], env=env,
                            stdout=subprocess.PIPE, text=True)


def test_batches_go_out_in_order(tmp_path):
    spool = Spool(tmp_path)
    ids = [spool.put(usage(n)) for n in range(5)]
    assert ids == sorted(ids) and spool.put([]) is None
    netbox = NetBox()
    result = spool.flush(netbox)
    assert (result.sent, result.pending, result.dead, result.error) == (5, 0, 0, "")
    assert batch_numbers(netbox.received) == [0, 1, 2, 3, 4]
    assert spool.flush(NetBox()).sent == 0


def test_an_unreachable_netbox_keeps_the_batch_first_and_backs_off(tmp_path):
    clock = Clock()
    spool = Spool(tmp_path, clock=clock)
    for n in range(4):
        spool.put(usage(n))
    down = NetBox(None, ConnectionError("Connection refused"))
    result = spool.flush(down)
    assert (result.sent, result.pending, result.dead) == (1, 3, 0)
    assert result.error == "batch 2: ConnectionError: Connection refused"

    early = NetBox()
    waiting = spool.flush(early)
    assert (early.received, waiting.sent, waiting.pending) == ([], 0, 3)
    assert waiting.error.startswith("batch 2: next attempt in 1 s after: batch 2: ConnectionError")

    clock.now += 1
    still_down = NetBox(OSError("503 Service Unavailable"))
    assert spool.flush(still_down).error == "batch 2: OSError: 503 Service Unavailable"
    clock.now += 1.5
    assert spool.flush(NetBox()).sent == 0  # the second failure doubled the wait to 2 s

    clock.now += 0.5
    back = NetBox()
    result = spool.flush(back)
    assert (result.sent, result.pending, result.error) == (3, 0, "")
    assert batch_numbers(back.received) == [1, 2, 3]


def test_a_refused_batch_steps_aside_and_stays_visible(tmp_path):
    spool = Spool(tmp_path)
    for n in range(4):
        spool.put(usage(n))
    netbox = NetBox(None, Rejected("tenant: Object with slug=disdik does not exist.", status=400))
    result = spool.flush(netbox)
    assert (result.sent, result.pending, result.dead, result.error) == (3, 0, 1, "")
    assert batch_numbers(netbox.received) == [0, 2, 3]
    [dead] = spool.dead_letters()
    assert (dead.batch_id, dead.status, dead.reason) == (2, 400, "tenant: Object with slug=disdik does not exist.")
    assert dead.items == usage(1)

    assert spool.retry_dead() == 1
    again = NetBox()
    assert spool.flush(again).sent == 1
    assert (batch_numbers(again.received), spool.dead_letters()) == ([1], [])


def test_a_second_flush_does_not_run_beside_the_first(tmp_path):
    spool, other = Spool(tmp_path), Spool(tmp_path)
    spool.put(usage(1))
    during = []
    spool.flush(lambda items: during.append(other.flush(NetBox())))
    assert during[0].busy and during[0].sent == 0


@pytest.mark.parametrize(("status", "permanent"), [(400, True), (403, True), (404, True), (408, False),
                                                   (429, False), (500, False), (503, False), (200, False)])
def test_which_answers_are_final(status, permanent):
    assert is_permanent(status) is permanent


def test_bad_batches_name_the_problem(tmp_path):
    spool = Spool(tmp_path)
    with pytest.raises(ValueError, match="items must be a list of upsert items, got dict"):
        spool.put(usage(1)[0])
    with pytest.raises(ValueError, match=r"items\[1\] must be an upsert item \(a mapping\), got str"):
        spool.put([usage(1)[0], "x"])
    with pytest.raises(ValueError, match="items must be JSON"):
        spool.put([{"observed_at": object()}])


WRITER = """
    import os, sys, time
    from egov_collectors.spool import Spool
    spool, writer = Spool(sys.argv[1]), sys.argv[2]
    while not os.path.exists(os.path.join(sys.argv[1], "go")):  # start together with the other writers
        time.sleep(0.01)
    for n in range(int(sys.argv[3])):
        batch_id = spool.put([{"writer": writer, "n": n, "padding": "x" * 20000}])
        print(batch_id, n, flush=True)
"""


def test_kill_9_loses_nothing_committed(tmp_path):
    (tmp_path / "go").touch()
    writer = python(WRITER, tmp_path, "w", 10**6)
    committed = [tuple(map(int, writer.stdout.readline().split())) for _ in range(400)]
    writer.send_signal(signal.SIGKILL)
    rest = writer.stdout.read().split("\n")
    writer.wait()
    committed += [tuple(map(int, line.split())) for line in rest if line.strip()]

    db = sqlite3.connect(tmp_path / DATABASE)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    netbox = NetBox()
    Spool(tmp_path).flush(netbox)
    spooled = [batch[0]["n"] for batch in netbox.received]
    # Every batch whose put() returned is there, in order; at most the one being written when killed is extra.
    assert spooled[: len(committed)] == [n for _, n in committed]
    assert len(spooled) - len(committed) in (0, 1)


def test_two_processes_write_at_once(tmp_path):
    Spool(tmp_path)  # the schema exists before the race, as after a collector's first start
    writers = [python(WRITER, tmp_path, name, 300) for name in ("a", "b")]
    (tmp_path / "go").touch()
    outputs = [w.communicate()[0] for w in writers]
    assert [w.returncode for w in writers] == [0, 0]
    netbox = NetBox()
    result = Spool(tmp_path).flush(netbox)
    assert (result.sent, result.pending) == (600, 0)
    for name, output in zip("ab", outputs, strict=True):
        ids = [int(line.split()[0]) for line in output.splitlines()]
        assert ids == sorted(ids)
        assert [b[0]["n"] for b in netbox.received if b[0]["writer"] == name] == list(range(300))
    assert {b[0]["writer"] for b in netbox.received[:300]} == {"a", "b"}, "the writers were not concurrent"


def _put_in_child(spool, queue):
    queue.put(spool.put(usage(7)))


def test_a_spool_opened_before_a_fork_works_in_the_child(tmp_path):
    spool = Spool(tmp_path)
    spool.put(usage(6))
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_put_in_child, args=(spool, queue))
    child.start()
    child.join(30)
    assert child.exitcode == 0 and queue.get(timeout=5) == 2
    netbox = NetBox()
    assert spool.flush(netbox).sent == 2
    assert batch_numbers(netbox.received) == [6, 7]
