"""The turn of the year: a CUR of December 2026 and January 2027, budgets of 2026 only. A
split ends with its fiscal year, so January's spend is Unallocated and no 2026 figure counts
it; 2027 shows nothing until its chart of accounts is loaded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from adapters.clock import FixedClock
from adapters.cur.generator import generate_cur
from domain.identity.roles import Role
from tests.api.dashboard.test_heatmap import spend_of
from tests.api.orgs import CHART, mapped
from tests.api.spend_cards.conftest import approve_schedule
from tests.factories import auth_headers


@pytest.fixture
async def year_end(client, container, settings, tmp_path):
    container.clock = FixedClock.on(date(2026, 12, 1))
    out = tmp_path / "cur"
    generate_cur(out, rows=2_000, accounts=2, resources=16, months=2, start="2026-12", seed=11)
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
    body = (await client.get("/api/v1/dashboard/heatmap", headers=fin)).json()
    checkout = next(t["budget_id"] for t in body["tiles"] if t["name"] == "Checkout")
    for a in (await client.get("/api/v1/accounts", headers=fin)).json():
        r = await client.put(
            f"/api/v1/accounts/{a['account_id']}/allocation",
            headers=fin,
            json={
                "effective_from": "2026-12-01",
                "splits": [{"budget_id": checkout, "percent": "100"}],
            },
        )
        assert r.status_code == 200, r.text
    return {"fin": fin, "budget": checkout}


class TestTurnOfTheYear:
    async def test_each_year_counts_only_its_own_months(
        self, client, container, year_end, org_users
    ):
        fin, budget = year_end["fin"], year_end["budget"]
        await approve_schedule(client, {**org_users}, budget)
        container.clock = FixedClock.on(date(2027, 1, 20))
        december = await spend_of(client, fin, "2026-12", budget)
        assert december > 0
        now = await client.get("/api/v1/dashboard/heatmap", headers=fin)
        assert now.status_code == 200, now.text
        assert (now.json()["year"], now.json()["tiles"], now.json()["rows"]) == (2027, [], [])
        last = (
            await client.get("/api/v1/dashboard/heatmap", headers=fin, params={"year": 2026})
        ).json()
        checkout = next(t for t in last["tiles"] if t["budget_id"] == budget)
        assert Decimal(checkout["spend"]) == december
        assert Decimal(checkout["budget"]) == Decimal("1200.00")  # a past year counts in full
        assert last["periods"] == ["2026-12"]
        monthly = (
            await client.get("/api/v1/dashboard/monthly", headers=fin, params={"year": 2026})
        ).json()
        assert Decimal(monthly["totals"][11]) == december
        assert Decimal(monthly["totals"][0]) == Decimal("0.00")


@pytest.fixture
async def org_users(client, container, year_end):
    """A Product Owner on Checkout and a Portfolio Owner on Web, to approve its schedule."""
    admin = await auth_headers(client, container, role=Role.ADMIN)
    tree = (
        await client.get("/api/v1/hierarchy", headers=year_end["fin"], params={"year": 2026})
    ).json()
    retail = next(n for n in tree["nodes"] if n["name"] == "Retail")
    web = retail["children"][0]["children"][0]
    checkout = next(c for c in web["children"] if c["name"] == "Checkout")
    _, po = await mapped(client, container, admin, Role.PRODUCT_OWNER, checkout["id"])
    _, pf = await mapped(client, container, admin, Role.PORTFOLIO_OWNER, web["id"])
    return {"po": po, "pf": pf}
