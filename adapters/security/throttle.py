"""Log-in throttling shared by every server worker on the host.

`domain.identity.ratelimit.FailureLimiter` keeps its sliding windows in process memory: with
`finops serve --workers N` each worker would count alone, and an attacker spreading guesses
over the workers would get N times the promised number. This limiter keeps the same windows
in a small SQLite file in the data folder (which the workers share anyway), so the promise
holds whatever the number of workers. The calls are sub-millisecond local writes.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from domain.identity.ratelimit import Limit


class SharedFailureLimiter:
    """Refuses a key that has failed `limit.failures` times within the window, counting the
    failures of every process using the same file. Same interface as `FailureLimiter`."""

    def __init__(self, path: Path, limit: Limit, clock: Callable[[], float] = time.time) -> None:
        # wall-clock seconds: a monotonic clock is not comparable across processes everywhere
        self._limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout=30000")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS login_failures (key TEXT NOT NULL, at REAL NOT NULL)"
        )
        self._db.execute(
            "CREATE INDEX IF NOT EXISTS ix_login_failures_key ON login_failures (key, at)"
        )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def retry_after(self, key: str) -> float | None:
        """Seconds until `key` may try again, or None when it may try now."""
        now = self._clock()
        with self._lock:
            count, first = self._db.execute(
                "SELECT count(*), min(at) FROM login_failures WHERE key = ? AND at > ?",
                (key, now - self._limit.window_seconds),
            ).fetchone()
        if int(count) < self._limit.failures:
            return None
        return max(0.0, self._limit.window_seconds - (now - float(first)))

    def record_failure(self, key: str) -> None:
        now = self._clock()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                # windows end: what is older than every window is nobody's failure any more
                self._db.execute(
                    "DELETE FROM login_failures WHERE key = ? AND at <= ?",
                    (key, now - self._limit.window_seconds),
                )
                self._db.execute("INSERT INTO login_failures VALUES (?, ?)", (key, now))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def reset(self, key: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM login_failures WHERE key = ?", (key,))
