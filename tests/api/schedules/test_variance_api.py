"""GET /budgets/{id}/variance on fixed clocks: October whole, November month-to-date against
the schedule pro-rated to the days before today, with a run-rate forecast. The spend is
read independently from the spend endpoint (the Product Owner sees Checkout only)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.api.spend_cards.conftest import org  # noqa: F401


async def variance(client, headers, budget):
    r = await client.get(f"/api/v1/budgets/{budget}/variance", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


async def daily_spend(client, headers, period):
    r = await client.get(
        "/api/v1/spend", headers=headers, params={"period": period, "group_by": "day"}
    )
    assert r.status_code == 200, r.text
    return {row["day"][:10]: Decimal(row["amount"]) for row in r.json()["rows"]}


def cents(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class TestTheMonthInProgress:
    @pytest.mark.parametrize(("day", "elapsed"), [(1, 0), (2, 1), (16, 15), (30, 29)])
    async def test_november_pro_rated_to_yesterday(
        self,
        client,
        org,  # noqa: F811
        container,
        day,
        elapsed,
    ):
        container.clock.advance_to(date(2026, 11, day))
        po, budget = org["po"], org["budget"]
        v = await variance(client, po, budget)
        assert v["as_of"] == f"2026-11-{day:02d}"
        assert v["basis"] is not None
        by_month = {m["month"]: m for m in v["months"]}
        october, november, december = by_month["2026-10"], by_month["2026-11"], by_month["2026-12"]
        oct_spend = sum((await daily_spend(client, po, "2026-10")).values(), Decimal(0))
        assert not october["in_progress"]
        assert Decimal(october["spend"]) == cents(oct_spend)
        assert Decimal(october["variance"]) == Decimal("100.00") - cents(oct_spend)
        assert november["in_progress"]
        assert (november["days_elapsed"], november["days_in_month"]) == (elapsed, 30)
        prorated = cents(Decimal("100.00") * elapsed / 30)
        assert Decimal(november["prorated"]) == prorated
        nov = await daily_spend(client, po, "2026-11")
        to_date = sum((a for d, a in nov.items() if d < f"2026-11-{day:02d}"), Decimal(0))
        assert Decimal(november["spend"]) == cents(to_date)
        assert Decimal(november["variance"]) == prorated - cents(to_date)
        if elapsed == 0:
            assert november["forecast"] is None
        else:
            assert Decimal(november["forecast"]) == cents(to_date / elapsed * 30)
        assert (december["spend"], december["variance"]) == (None, None)
        assert december["scheduled"] == "100.00"
