"""Writes kept on disk until NetBox takes them, replayed in order: usage batches, and the reconciliation's
reports (``reconcile``: one report per batch, in a spool of their own).

Every batch of upsert items goes to the spool first (``put``): a SQLite database in WAL mode with
``synchronous=FULL``, so a batch whose ``put`` returned survives the process being killed and the machine losing
power. ``flush(send)`` then hands the batches to ``send`` oldest first:

- ``send`` returns: NetBox took the batch; it leaves the spool.
- ``send`` raises ``Rejected`` (NetBox answered 4xx, see ``is_permanent``): the batch is refused as a whole and
  never will be taken as it is. It moves to the dead-letter table with the reason, a warning is logged, and the
  flush goes on with the next batch: one bad batch never blocks the others. ``dead_letters()`` shows them,
  ``retry_dead()`` puts them back (after fixing a token's permissions, say).
- ``send`` raises anything else (a 5xx, 408, 429, a connection error, a timeout): NetBox may take it later. The
  batch stays first in line, the flush stops there so that order is kept, and the next attempt waits an
  exponential backoff (1 s doubling up to 5 min by default); a flush called earlier sends nothing.

Replays are safe: the upsert is idempotent (a write whose ``observed_at`` is not newer changes nothing), so a
batch sent twice (NetBox took it but the answer was lost) counts nothing twice. Any number of processes may
``put`` at once (SQLite's lock, waited on up to ``busy_timeout``); one ``flush`` runs at a time (an exclusive
``flock`` on ``flush.lock``; a second one returns at once with ``busy``). A ``Spool`` opened before a fork
reopens its database in the child, as SQLite requires; one ``Spool`` is used by one thread at a time.
"""

import fcntl
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

DATABASE = "usage-spool.sqlite3"
FLUSH_LOCK = "flush.lock"
ERROR_LENGTH = 500  # characters of an error kept and shown: enough to name the item NetBox refused

SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at REAL NOT NULL,
    items TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id INTEGER NOT NULL,
    created_at REAL NOT NULL,
    dead_at REAL NOT NULL,
    status INTEGER,
    reason TEXT NOT NULL,
    items TEXT NOT NULL
);
"""


class Rejected(Exception):
    """Raised by a sender when NetBox refused a batch for good (a 4xx other than 408, 425, 429)."""

    def __init__(self, reason: str, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def is_permanent(status: int) -> bool:
    """True for HTTP answers that a retry of the same batch cannot change: 4xx but timeouts and rate limits."""
    return 400 <= status < 500 and status not in (408, 425, 429)


@dataclass(frozen=True)
class FlushResult:
    """What one flush did: batches sent, still pending, moved to the dead letters; why it stopped early."""

    sent: int
    pending: int
    dead: int
    error: str = ""  # the transient error that stopped the flush, or the backoff it is waiting out
    busy: bool = False  # another process was flushing: nothing was done


@dataclass(frozen=True)
class DeadLetter:
    """A batch NetBox refused for good, with its reason."""

    id: int
    batch_id: int
    created_at: float
    dead_at: float
    status: int | None
    reason: str
    items: list[dict]


class Spool:
    """The spool in ``directory`` (created if missing); see the module's docstring."""

    def __init__(
        self,
        directory: str | os.PathLike,
        *,
        backoff_base: float = 1.0,
        backoff_max: float = 300.0,
        busy_timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
        database: str = DATABASE,
    ):
        self.directory = Path(directory)
        self.database = database
        self.directory.mkdir(parents=True, exist_ok=True)
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.busy_timeout = busy_timeout
        self.clock = clock
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._db()

    def put(self, items: Sequence[Mapping]) -> int | None:
        """Keep a batch of upsert items durably; return its id (None for an empty batch, which is not kept)."""
        if isinstance(items, str | bytes | Mapping) or not isinstance(items, Sequence):
            raise ValueError(f"items must be a list of upsert items, got {type(items).__name__}")
        if not items:
            return None
        for position, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise ValueError(f"items[{position}] must be an upsert item (a mapping), got {type(item).__name__}")
        try:
            encoded = json.dumps(list(items), separators=(",", ":"))
        except (TypeError, ValueError) as error:
            raise ValueError(f"items must be JSON: {error}") from None
        with self._transaction() as db:
            cursor = db.execute("INSERT INTO batches (created_at, items) VALUES (?, ?)", (self.clock(), encoded))
            return cursor.lastrowid

    def flush(self, send: Callable[[list[dict]], object]) -> FlushResult:
        """Send the pending batches oldest first until one fails for a reason that may pass (see the module)."""
        with open(self.directory / FLUSH_LOCK, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return FlushResult(0, self.pending(), 0, busy=True)
            return self._flush_locked(send)

    def pending(self) -> int:
        return self._db().execute("SELECT COUNT(*) FROM batches").fetchone()[0]

    def dead_letters(self) -> list[DeadLetter]:
        rows = self._db().execute(
            "SELECT id, batch_id, created_at, dead_at, status, reason, items FROM dead_letters ORDER BY id"
        )
        return [DeadLetter(*row[:6], items=json.loads(row[6])) for row in rows]

    def retry_dead(self, ids: Iterable[int] | None = None) -> int:
        """Put dead letters (all, or those ``ids``) back in line, after the batches pending; return how many."""
        wanted = None if ids is None else set(ids)
        with self._transaction() as db:
            rows = db.execute("SELECT id, created_at, items FROM dead_letters ORDER BY id").fetchall()
            chosen = [row for row in rows if wanted is None or row[0] in wanted]
            for dead_id, created_at, items in chosen:
                db.execute("INSERT INTO batches (created_at, items) VALUES (?, ?)", (created_at, items))
                db.execute("DELETE FROM dead_letters WHERE id = ?", (dead_id,))
        return len(chosen)

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _flush_locked(self, send) -> FlushResult:
        sent = dead = 0
        error = ""
        while True:
            head = self._db().execute(
                "SELECT id, created_at, items, attempts, next_attempt_at, last_error FROM batches ORDER BY id LIMIT 1"
            ).fetchone()
            if head is None:
                break
            batch_id, created_at, items, attempts, next_attempt_at, last_error = head
            wait = next_attempt_at - self.clock()
            if wait > 0:
                error = f"batch {batch_id}: next attempt in {wait:.0f} s after: {last_error}"
                break
            try:
                send(json.loads(items))
            except Rejected as refusal:
                self._bury(batch_id, created_at, items, refusal)
                dead += 1
                continue
            except Exception as failure:  # anything but a refusal may pass: keep the batch, keep the order
                error = f"batch {batch_id}: {_describe(failure)}"
                self._postpone(batch_id, attempts + 1, error)
                break
            with self._transaction() as db:
                db.execute("DELETE FROM batches WHERE id = ?", (batch_id,))
            sent += 1
        return FlushResult(sent, self.pending(), dead, error)

    def _bury(self, batch_id: int, created_at: float, items: str, refusal: Rejected) -> None:
        reason = refusal.reason[:ERROR_LENGTH]
        with self._transaction() as db:
            db.execute(
                "INSERT INTO dead_letters (batch_id, created_at, dead_at, status, reason, items)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (batch_id, created_at, self.clock(), refusal.status, reason, items),
            )
            db.execute("DELETE FROM batches WHERE id = ?", (batch_id,))
        log.warning("batch %s of %s refused by NetBox (status %s), moved to the dead letters: %s",
                    batch_id, self.directory / self.database, refusal.status, reason)

    def _postpone(self, batch_id: int, attempts: int, error: str) -> None:
        delay = min(self.backoff_max, self.backoff_base * 2 ** (attempts - 1))
        with self._transaction() as db:
            db.execute(
                "UPDATE batches SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
                (attempts, self.clock() + delay, error[:ERROR_LENGTH], batch_id),
            )

    def _db(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            # A connection must not cross a fork: the child opens its own (the parent's stays the parent's).
            # One thread after another may use it (a worker's jobs, a test's calls): never two at once.
            self._connection = sqlite3.connect(self.directory / self.database, timeout=self.busy_timeout,
                                               isolation_level=None, check_same_thread=False)
            self._pid = os.getpid()
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=FULL")
            self._connection.executescript(SCHEMA)
        return self._connection

    def _transaction(self):
        return _Transaction(self._db())


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on an exception): the write lock is taken up front, so two writers
    wait for each other (up to busy_timeout) instead of failing at commit."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, *_):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _describe(failure: Exception) -> str:
    text = str(failure) or "(no message)"
    return f"{type(failure).__name__}: {text}"[:ERROR_LENGTH]
