"""Log-in throttling: a sliding window of failures per key (an account, an address)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    failures: int
    window_seconds: float


class FailureLimiter:
    """Refuses a key that has failed `limit.failures` times within the window.

    In memory and per process: the service runs as one process; a multi-process deployment
    would put the same counters in a shared store behind this interface.
    """

    def __init__(self, limit: Limit, clock: Callable[[], float]) -> None:
        self._limit = limit
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = self._clock()
        window = self._failures.setdefault(key, deque())
        while window and now - window[0] >= self._limit.window_seconds:
            window.popleft()
        if not window:
            self._failures.pop(key, None)
        return window

    def retry_after(self, key: str) -> float | None:
        """Seconds until `key` may try again, or None when it may try now."""
        window = self._recent(key)
        if len(window) < self._limit.failures:
            return None
        return max(0.0, self._limit.window_seconds - (self._clock() - window[0]))

    def record_failure(self, key: str) -> None:
        self._recent(key)
        self._failures.setdefault(key, deque()).append(self._clock())

    def reset(self, key: str) -> None:
        self._failures.pop(key, None)
