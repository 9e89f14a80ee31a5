from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.forecasts.anomalies import (
    MIN_EXCESS,
    SERVICE_SHARE,
    TOP_RESOURCES,
    WINDOW_DAYS,
    Spike,
    causes,
    judge,
    spikes,
)

DAY = date(2026, 8, 12)


class TestJudge:
    def test_a_load_test_day_is_a_spike(self):
        window = [400.0 + (i % 7) * 30 for i in range(WINDOW_DAYS)]
        spike = judge(window, 16000.0, DAY)
        assert spike is not None
        assert spike.excess == 16000.0 - spike.median

    def test_one_more_of_the_usual_big_days_is_not(self):
        # a budget whose 1st carries a monthly fee of 5,000
        window = [300.0] * WINDOW_DAYS
        window[3] = 5000.0
        assert judge(window, 5000.0, DAY) is None
        assert judge(window, 2.5 * 5000.0 + 1, DAY) is not None

    def test_a_few_dollars_on_a_tiny_budget_are_not(self):
        window = [1.0] * WINDOW_DAYS
        assert judge(window, 1.0 + MIN_EXCESS - 0.01, DAY) is None
        assert judge(window, 1.0 + MIN_EXCESS, DAY) is not None

    def test_a_short_window_judges_nothing(self):
        assert judge([1.0] * (WINDOW_DAYS - 1), 1e6, DAY) is None

    @given(
        st.lists(st.floats(0, 10_000), min_size=WINDOW_DAYS, max_size=WINDOW_DAYS),
        st.floats(0, 1),
    )
    def test_a_day_within_the_windows_range_is_never_a_spike(self, window, share):
        top = max(window)
        assert judge(window, top * share, DAY) is None

    @given(
        st.lists(st.floats(0, 10_000), min_size=WINDOW_DAYS, max_size=WINDOW_DAYS),
        st.floats(3, 100),
    )
    def test_far_above_everything_is_always_a_spike(self, window, factor):
        total = max(max(window), 100.0) * factor + MIN_EXCESS
        assert judge(window, total, DAY) is not None


class TestSpikes:
    def test_spikes_are_found_by_day_and_only_after_a_full_window(self):
        first = date(2026, 1, 1)
        series = [500.0] * 300
        series[10] = 90_000.0  # inside the first window: not judged
        series[223] = 20_000.0
        found = spikes(series, first)
        assert [s.day for s in found] == [first + timedelta(days=223)]


class TestCauses:
    def spike(self) -> Spike:
        return Spike(DAY, total=10_500.0, median=500.0, mad=20.0, window_max=600.0)

    def test_services_carrying_a_quarter_of_the_excess_with_their_top_resources(self):
        services = {
            "AWSLambda": [100.0] * WINDOW_DAYS + [7100.0],  # +7,000: 70 %
            "AmazonEC2": [300.0] * WINDOW_DAYS + [3000.0],  # +2,700: 27 %
            "AmazonS3": [100.0] * WINDOW_DAYS + [400.0],  # +300: 3 %
        }
        resources = {
            "AWSLambda": {f"fn-{i}": [10.0] * WINDOW_DAYS + [10.0 + 100 * i] for i in range(1, 8)},
            "AmazonEC2": {"i-1": [300.0] * WINDOW_DAYS + [3000.0]},
        }
        found = causes(self.spike(), services, resources)
        assert [c.service for c in found] == ["AWSLambda", "AmazonEC2"]
        lam = found[0]
        assert lam.excess == 7000.0
        assert [r.resource_id for r in lam.resources] == ["fn-7", "fn-6", "fn-5", "fn-4", "fn-3"]
        assert len(lam.resources) == TOP_RESOURCES
        assert found[1].resources[0].excess == 2700.0

    def test_the_share_is_measured_against_the_days_excess(self):
        excess = self.spike().excess
        just = SERVICE_SHARE * excess
        services = {"A": [0.0] * WINDOW_DAYS + [just], "B": [0.0] * WINDOW_DAYS + [just - 1]}
        assert [c.service for c in causes(self.spike(), services, {})] == ["A"]


async def test_judging_many_budgets_gives_the_server_turns_and_the_same_spikes() -> None:
    """A detection runs inside a serving worker: judging 2,000 budgets in one stretch held
    its event loop for seconds. Other tasks get a turn every few budgets, and the spikes are
    those judged one by one."""
    import asyncio
    from datetime import date

    from domain.forecasts.anomalies import spikes
    from domain.forecasts.service import JUDGED_BETWEEN_TURNS, judge_days

    first = date(2026, 1, 1)
    series = {b: [100.0 + (d % 7) for d in range(120)] for b in range(1, 81)}
    for b in range(1, 81, 9):
        series[b][100] = 5_000.0  # a spike on some budgets
    turns = 0
    done = False

    async def other_requests() -> None:
        nonlocal turns
        while not done:
            turns += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(other_requests())
    await asyncio.sleep(0)
    start = turns
    judged = await judge_days(series, first)
    done = True
    await ticker
    assert turns - start >= len(series) // JUDGED_BETWEEN_TURNS - 1
    expected = {b: s for b, days in series.items() if (s := spikes(days, first))}
    assert judged == expected
    assert set(judged) == set(range(1, 81, 9))
