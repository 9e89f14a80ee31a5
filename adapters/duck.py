"""Every DuckDB connection of the service runs under two limits: a memory limit
(FINOPS_DUCKDB_MEMORY_LIMIT) and a timeout (FINOPS_DUCKDB_TIMEOUT_SECONDS) enforced by a
watchdog thread that interrupts the connection when its time is up. A query stopped by
either answers 503 (see `unavailable`) and the service keeps serving."""

from __future__ import annotations

import contextlib
import heapq
import itertools
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import duckdb

from domain.errors import Unavailable

ConnectionT = TypeVar("ConnectionT")
T = TypeVar("T")


@dataclass(frozen=True)
class DuckDBLimits:
    memory_limit: str = "2GB"
    timeout_seconds: float = 600.0


_limits = DuckDBLimits()


def configure(limits: DuckDBLimits) -> None:
    """Set the limits of the connections opened from now on (the container does, at start)."""
    global _limits
    _limits = limits


def limits() -> DuckDBLimits:
    return _limits


def connect(
    database: str = ":memory:", *, config: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the memory limit (a `config` may ask for less) and watched
    for the timeout from now."""
    merged: dict[str, Any] = {"memory_limit": _limits.memory_limit, **(config or {})}
    return watch(duckdb.connect(database, config=merged))


def watch(con: ConnectionT, seconds: float | None = None) -> ConnectionT:
    """Interrupt `con` (a connection or a cursor) once `seconds` (default: the timeout) have
    passed, and every statement it runs after that, until it is closed or dropped. Returns
    `con`."""
    _WATCHDOG.add(con, seconds if seconds is not None else _limits.timeout_seconds)
    return con


OVERLOAD_ERRORS: tuple[type[Exception], ...] = (
    duckdb.OutOfMemoryException,
    duckdb.InterruptException,
)


def unavailable(exc: Exception) -> Unavailable:
    """The 503 a query stopped by a limit answers, saying which limit and what to do."""
    if isinstance(exc, duckdb.InterruptException):
        return Unavailable(
            f"the spend query ran longer than {_limits.timeout_seconds:g} seconds "
            "(FINOPS_DUCKDB_TIMEOUT_SECONDS) and was stopped: ask for a shorter period, or retry "
            "later"
        )
    return Unavailable(
        f"the spend query needed more memory than {_limits.memory_limit} "
        "(FINOPS_DUCKDB_MEMORY_LIMIT) and was stopped: ask for a shorter period, or raise the limit"
    )


AGAIN = 0.05  # seconds between interrupts of a connection past its time


class _Watchdog:
    """One daemon thread for every watched connection: a heap of deadlines."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, weakref.ref[Any]]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, con: Any, seconds: float) -> None:
        with self._wake:
            heapq.heappush(
                self._heap, (time.monotonic() + seconds, next(self._order), weakref.ref(con))
            )
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="duckdb-timeout", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._heap:
                    self._wake.wait()
                deadline, _, ref = self._heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._heap)
            con = ref()
            if con is None:
                continue
            try:
                con.interrupt()
            except duckdb.Error:  # closed: nothing runs on it any more
                continue
            # an interrupt stops only the statement running at that moment: keep stopping
            # the connection's statements until it is closed (its time is up)
            with self._wake:
                heapq.heappush(self._heap, (time.monotonic() + AGAIN, next(self._order), ref))


_WATCHDOG = _Watchdog()


@contextlib.contextmanager
def beside(
    con: duckdb.DuckDBPyConnection, work: Callable[..., T], *args: Any
) -> Iterator[Future[T]]:
    """`work(cursor, *args)` on a second connection to `con`'s database, in a thread, while the
    block runs on `con` (a statement that keeps about one core busy leaves the other to it).
    The block is left only once the thread is done; its cursor is closed after that, also
    when the block fails. What both read must be in the database's main schema."""
    with contextlib.ExitStack() as stack:
        # left in reverse: the thread is waited for before its cursor closes
        cursor = stack.enter_context(contextlib.closing(watch(con.cursor())))
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=1))
        yield pool.submit(work, cursor, *args)
