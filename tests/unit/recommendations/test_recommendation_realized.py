from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from adapters.recommendations.sample import SampleResource, sample_export
from domain.recommendations.importing import EXPORT_COLUMNS, parse_export
from domain.recommendations.machine import Status
from domain.recommendations.model import Recommendation
from domain.recommendations.realized import Measure, measurement_months, realized_savings

ROW = parse_export(EXPORT_COLUMNS, sample_export([SampleResource("111122223333", "i-1")])).rows[0]
AT = datetime(2026, 5, 20, 9, tzinfo=UTC)


class FakeCosts:
    def __init__(self, costs: dict[str, Decimal]) -> None:
        self.costs = costs
        self.asked: list[tuple[str, str, tuple[str, ...]]] = []

    async def monthly_costs(self, account_id, resource_id, months):
        self.asked.append((account_id, resource_id, tuple(months)))
        return {m: self.costs[m] for m in months if m in self.costs}


def rec(*, status=Status.IMPLEMENTED, in_cur=True, at=AT):
    return Recommendation(
        id=1,
        key=ROW.key,
        row=ROW,
        status=status,
        version=3,
        resource_id="i-1",
        in_cur=in_cur,
        resolved_at=None,
        first_seen_at=AT,
        last_seen_at=AT,
        status_changed_at=at,
    )


@pytest.mark.parametrize(
    ("day", "months"),
    [
        (date(2026, 5, 20), ("2026-04", "2026-06")),
        (date(2026, 1, 1), ("2025-12", "2026-02")),
        (date(2026, 12, 31), ("2026-11", "2027-01")),
    ],
)
def test_the_whole_months_around_the_change(day, months):
    assert measurement_months(day) == months


async def test_measured_once_the_after_month_is_over():
    costs = FakeCosts({"2026-04": Decimal("310.25"), "2026-06": Decimal("120.05")})
    found = await realized_savings(rec(), costs, date(2026, 7, 1))
    assert found is not None
    assert found.state is Measure.MEASURED
    assert found.realized == Decimal("190.20")
    assert costs.asked == [("111122223333", "i-1", ("2026-04", "2026-06"))]


async def test_waiting_while_the_after_month_runs():
    costs = FakeCosts({"2026-04": Decimal("310.25"), "2026-06": Decimal("10")})
    found = await realized_savings(rec(), costs, date(2026, 6, 30))
    assert found is not None
    assert (found.state, found.after_cost, found.realized) == (Measure.WAITING, None, None)


async def test_growth_is_a_negative_saving_and_an_undelivered_month_has_none():
    grew = await realized_savings(
        rec(), FakeCosts({"2026-04": Decimal("1"), "2026-06": Decimal("3")}), date(2026, 8, 1)
    )
    assert grew is not None
    assert grew.realized == Decimal("-2")
    missing = await realized_savings(rec(), FakeCosts({"2026-04": Decimal("1")}), date(2026, 8, 1))
    assert missing is not None
    assert missing.realized is None


async def test_only_implemented_resources_of_the_cur_are_measured():
    costs = FakeCosts({})
    assert await realized_savings(rec(status=Status.APPROVED), costs, date(2026, 8, 1)) is None
    outside = await realized_savings(rec(in_cur=False), costs, date(2026, 8, 1))
    assert outside is not None
    assert outside.state is Measure.NOT_IN_CUR
    assert costs.asked == []
    assert (
        await realized_savings(replace(rec(), status_changed_at=None), costs, date(2026, 8, 1))
        is None
    )
