from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from adapters.clock import FixedClock
from adapters.cur.generator import generate_cur
from domain.allocation.rules import DISCOUNTED_TYPES
from domain.identity.roles import Role
from tests.factories import auth_headers

CHART = "BU,Dept,Portfolio,Product,Amount\nRetail,Digital,Web,Checkout,1200.00\n"


def gross_cur(out: Path) -> None:
    """A CUR of Oct–Nov 2026 with its discount lines taken out: its prices are gross."""
    generate_cur(out, rows=3_000, accounts=2, resources=24, months=2, start="2026-10", seed=11)
    for f in sorted(out.rglob("*.parquet")):
        tmp = f.with_suffix(".tmp")
        duckdb.execute(
            f"COPY (SELECT * FROM read_parquet('{f}') "
            f"WHERE line_item_line_item_type <> 'EdpDiscount') TO '{tmp}' (FORMAT parquet)"
        )
        tmp.replace(f)


@pytest.fixture
async def org(client, container, settings, tmp_path):
    container.clock = FixedClock.on(date(2026, 10, 1))
    out = tmp_path / "cur"
    gross_cur(out)
    settings.cur_path = str(out)
    fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
    r = await client.post(
        "/api/v1/budget-imports",
        headers=fin,
        files={"file": ("C_2026_true_2026-01-01_false_Budget_v1.csv", CHART.encode(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    assert (await client.post("/api/v1/cur/refresh", headers=fin)).status_code == 200
    await client.post("/api/v1/accounts/discover", headers=fin)
    budget = (await client.get("/api/v1/budgets", headers=fin, params={"year": 2026})).json()
    budget_id = budget[0]["id"] if isinstance(budget, list) else budget["items"][0]["id"]
    for a in (await client.get("/api/v1/accounts", headers=fin)).json():
        r = await client.put(
            f"/api/v1/accounts/{a['account_id']}/allocation",
            headers=fin,
            json={
                "effective_from": "2026-10-01",
                "splits": [{"budget_id": budget_id, "percent": "100"}],
            },
        )
        assert r.status_code == 200, r.text
    return {"fin": fin, "budget": budget_id}


async def budget_spend(client, headers, period: str, budget: int) -> Decimal:
    r = await client.get(
        "/api/v1/spend", headers=headers, params={"period": period, "group_by": "budget"}
    )
    assert r.status_code == 200, r.text
    return sum(
        (Decimal(row["amount"]) for row in r.json()["rows"] if row["budget_id"] == budget),
        Decimal(0),
    )


def expected_discount(container, period: str, percent: Decimal, start: date) -> Decimal:
    """The discount the rule gives, computed here from the daily rows: every non-zero charge
    row of a discounted type on a day in force loses `percent` of it, rounded half up to 1E-10."""
    paths = container.cur.daily_costs(period).daily_paths
    rows = duckdb.execute(
        "SELECT line_item_type, usage_date, unblended_cost FROM read_parquet(?)", [list(paths)]
    ).fetchall()
    total = Decimal(0)
    for kind, day, cost in rows:
        if kind in DISCOUNTED_TYPES and cost and day >= start:
            total -= (Decimal(cost) * percent / 100).quantize(
                Decimal("1E-10"), rounding=ROUND_HALF_UP
            )
    return total


class TestNegotiatedDiscount:
    async def test_a_discount_reduces_allocated_spend_exactly(self, client, container, org):
        fin, budget = org["fin"], org["budget"]
        before = await budget_spend(client, fin, "2026-11", budget)
        october = await budget_spend(client, fin, "2026-10", budget)
        r = await client.post(
            "/api/v1/discounts", headers=fin, json={"percent": "7.25", "start": "2026-11-10"}
        )
        assert r.status_code == 201, r.text
        after = await budget_spend(client, fin, "2026-11", budget)
        discount = expected_discount(container, "2026-11", Decimal("7.25"), date(2026, 11, 10))
        assert discount < 0
        assert after == before + discount
        # October is before the discount: untouched
        assert await budget_spend(client, fin, "2026-10", budget) == october

    async def test_ending_a_discount_gives_the_days_back(self, client, org):
        fin, budget = org["fin"], org["budget"]
        before = await budget_spend(client, fin, "2026-11", budget)
        made = (
            await client.post(
                "/api/v1/discounts", headers=fin, json={"percent": "5", "start": "2026-11-01"}
            )
        ).json()
        r = await client.post(
            f"/api/v1/discounts/{made['id']}/end",
            headers=fin,
            json={"end": "2026-10-31", "version": made["version"]},
        )
        assert r.status_code == 200, r.text
        assert r.json()["withdrawn"] is True
        assert await budget_spend(client, fin, "2026-11", budget) == before
        stale = await client.post(
            f"/api/v1/discounts/{made['id']}/end",
            headers=fin,
            json={"end": "2026-10-31", "version": made["version"]},
        )
        assert stale.status_code in (409, 422), stale.text

    async def test_overlap_bad_percent_and_closed_month_are_refused(self, client, container, org):
        fin = org["fin"]
        ok = await client.post(
            "/api/v1/discounts",
            headers=fin,
            json={"percent": "3", "start": "2027-01-01", "end": "2027-06-30"},
        )
        assert ok.status_code == 201, ok.text
        clash = await client.post(
            "/api/v1/discounts", headers=fin, json={"percent": "4", "start": "2027-06-30"}
        )
        assert clash.status_code == 422
        assert "overlaps discount" in clash.text
        for bad in ("0", "100", "1.234", "-2"):
            r = await client.post(
                "/api/v1/discounts", headers=fin, json={"percent": bad, "start": "2028-01-01"}
            )
            assert r.status_code == 422, bad
        async with container.sessionmaker() as session:
            from adapters.db.models import ClosedPeriodRow

            session.add(ClosedPeriodRow(period="2026-10", closed_by="test"))
            await session.commit()
        closed = await client.post(
            "/api/v1/discounts",
            headers=fin,
            json={"percent": "2", "start": "2026-10-15", "end": "2026-12-31"},
        )
        assert closed.status_code == 422
        assert "2026-10 closed" in closed.text
        listed = (await client.get("/api/v1/discounts", headers=fin)).json()
        assert [d["percent"] for d in listed] == ["3.00"]

    async def test_only_finance_configures_and_every_change_is_audited(
        self, client, container, org
    ):
        owner = await auth_headers(client, container, role=Role.PRODUCT_OWNER)
        r = await client.post(
            "/api/v1/discounts", headers=owner, json={"percent": "3", "start": "2027-01-01"}
        )
        assert r.status_code == 403
        assert (await client.get("/api/v1/discounts", headers=owner)).status_code == 403
        made = await client.post(
            "/api/v1/discounts", headers=org["fin"], json={"percent": "3", "start": "2027-01-01"}
        )
        admin = await auth_headers(client, container, role=Role.ADMIN)
        audit = (
            await client.get("/api/v1/audit", headers=admin, params={"entity_type": "discount"})
        ).json()
        items = audit["items"] if isinstance(audit, dict) else audit
        assert [(e["action"], e["entity_id"]) for e in items] == [
            ("discount.create", str(made.json()["id"]))
        ]
