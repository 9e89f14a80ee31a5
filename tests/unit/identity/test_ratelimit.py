from __future__ import annotations

from domain.identity.ratelimit import FailureLimiter, Limit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class TestFailureLimiter:
    def test_blocks_after_the_limit_within_the_window(self):
        clock = Clock()
        limiter = FailureLimiter(Limit(failures=3, window_seconds=60), clock)
        for _ in range(2):
            limiter.record_failure("k")
        assert limiter.retry_after("k") is None
        limiter.record_failure("k")
        assert limiter.retry_after("k") == 60

    def test_old_failures_leave_the_window(self):
        clock = Clock()
        limiter = FailureLimiter(Limit(failures=2, window_seconds=60), clock)
        limiter.record_failure("k")
        clock.now += 30
        limiter.record_failure("k")
        assert limiter.retry_after("k") == 30
        clock.now += 30
        assert limiter.retry_after("k") is None

    def test_keys_are_independent_and_reset_clears(self):
        limiter = FailureLimiter(Limit(failures=1, window_seconds=60), Clock())
        limiter.record_failure("a")
        assert limiter.retry_after("a") is not None
        assert limiter.retry_after("b") is None
        limiter.reset("a")
        assert limiter.retry_after("a") is None
