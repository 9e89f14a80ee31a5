from __future__ import annotations

import csv
import io
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from adapters.clock import FixedClock
from domain.reports.variance import APPROVED_SPENDING_HEADER

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


async def spend_of(client, headers, period, budget) -> Decimal:
    r = await client.get("/api/v1/spend", headers=headers, params={"period": period})
    assert r.status_code == 200, r.text
    return sum(
        (Decimal(x["amount"]) for x in r.json()["rows"] if x["budget_id"] == budget), Decimal(0)
    )


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


class TestVarianceReport:
    async def test_month_in_progress_is_pro_rated_and_year_to_date_sums(
        self, client, container, org
    ):
        container.clock = FixedClock.on(date(2026, 11, 16))
        fin, budget = org["fin"], org["budget"]
        october = cents(await spend_of(client, fin, "2026-10", budget))
        november = cents(await spend_of(client, fin, "2026-11", budget))
        r = await client.get(
            "/api/v1/reports/variance", headers=fin, params={"year": 2026, "period": "2026-11"}
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["basis"], body["days_elapsed"], body["days_in_month"]) == (
            "pro_rated",
            15,
            30,
        )
        (row,) = body["rows"]  # only Checkout's schedule is approved
        assert row["budget_id"] == budget
        assert Decimal(row["month_budget"]) == Decimal("50.00")  # 100 ÷ 30 × 15
        assert Decimal(row["month_actual"]) == november
        assert Decimal(row["month_variance"]) == november - Decimal("50.00")
        assert Decimal(row["ytd_budget"]) == Decimal("1050.00")
        assert Decimal(row["ytd_actual"]) == october + november
        assert Decimal(row["ytd_variance"]) == october + november - Decimal("1050.00")

    async def test_a_past_month_counts_in_full_and_rolls_up(self, client, container, org):
        container.clock = FixedClock.on(date(2026, 11, 16))
        fin, budget = org["fin"], org["budget"]
        october = cents(await spend_of(client, fin, "2026-10", budget))
        r = await client.get(
            "/api/v1/reports/variance",
            headers=fin,
            params={"year": 2026, "period": "2026-10", "level": 1},
        )
        body = r.json()
        assert body["basis"] == "full"
        (retail,) = body["rows"]
        assert (retail["name"], retail["level"], retail["budget_id"]) == ("Retail", 1, None)
        assert Decimal(retail["month_budget"]) == Decimal("100.00")
        assert Decimal(retail["month_actual"]) == october
        pct = (october - 100) / 100 * 100
        assert Decimal(retail["month_variance_percent"]) == cents(pct)

    async def test_scope_shows_only_the_callers_budgets(self, client, container, org):
        container.clock = FixedClock.on(date(2026, 11, 16))
        params = {"year": 2026, "period": "2026-10"}
        mine = await client.get("/api/v1/reports/variance", headers=org["bu"], params=params)
        assert [r["budget_id"] for r in mine.json()["rows"]] == [org["budget"]]
        other = await client.get("/api/v1/reports/variance", headers=org["other_pf"], params=params)
        assert other.status_code == 200
        assert other.json()["rows"] == []
        assert other.json()["total"] is None

    async def test_csv_by_format_or_accept(self, client, container, org):
        container.clock = FixedClock.on(date(2026, 11, 16))
        params = {"year": 2026, "period": "2026-10"}
        by_query = await client.get(
            "/api/v1/reports/variance", headers=org["fin"], params={**params, "format": "csv"}
        )
        by_accept = await client.get(
            "/api/v1/reports/variance",
            headers={**org["fin"], "Accept": "text/csv"},
            params=params,
        )
        for r in (by_query, by_accept):
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/csv")
            assert "attachment" in r.headers["content-disposition"]
        assert by_query.content == by_accept.content
        (row,) = parse_csv(by_query.text)
        assert row["path"] == "Retail; Digital; Web; Checkout"
        assert row["month_budget"] == "100.00"

    async def test_a_future_month_is_refused_naming_the_field(self, client, container, org):
        container.clock = FixedClock.on(date(2026, 11, 16))
        r = await client.get(
            "/api/v1/reports/variance",
            headers=org["fin"],
            params={"year": 2026, "period": "2026-12"},
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "period"


class TestApprovedSpendingFile:
    async def test_the_fpa_file_holds_products_and_rollups_per_month(self, client, container, org):
        container.clock = FixedClock.on(date(2026, 12, 2))
        fin, budget = org["fin"], org["budget"]
        november = cents(await spend_of(client, fin, "2026-11", budget))
        r = await client.get(
            "/api/v1/reports/approved-spending", headers=fin, params={"period": "2026-11"}
        )
        assert r.status_code == 200, r.text
        assert 'filename="approved-spending-2026-11.csv"' in r.headers["content-disposition"]
        rows = parse_csv(r.text)
        assert list(rows[0]) == list(APPROVED_SPENDING_HEADER)
        assert {x["month"] for x in rows} == {f"2026-{m:02d}" for m in range(1, 12)}
        nov = [x for x in rows if x["month"] == "2026-11"]
        assert [x["row_type"] for x in nov] == [
            "business_unit",
            "department",
            "portfolio",
            "product",
        ]
        for x in nov:
            assert Decimal(x["amount"]) == november
            assert Decimal(x["budget"]) == Decimal("100.00")
            assert Decimal(x["variance"]) == november - Decimal("100.00")
            assert x["currency"] == "USD"
