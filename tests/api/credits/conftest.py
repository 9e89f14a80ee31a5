from __future__ import annotations

from datetime import date

import pytest

from adapters.clock import FixedClock
from domain.identity.roles import Role
from tests.api.spend_cards.conftest import CHART, mapped, write_cur
from tests.factories import auth_headers


@pytest.fixture
async def org(client, container, settings, tmp_path):
    """Budgets of 2026; a CUR of Oct–Nov 2026 whose accounts are all split to Checkout from
    1 October; users around Checkout and ERP. The clock stands on 5 December 2026."""
    container.clock = FixedClock.on(date(2026, 12, 5))
    out = tmp_path / "cur"
    write_cur(out, final_months=2)
    settings.cur_path = str(out)
    admin = await auth_headers(client, container, role=Role.ADMIN)
    fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
    vendor = await auth_headers(client, container, role=Role.VENDOR_MANAGER)
    r = await client.post(
        "/api/v1/budget-imports",
        headers=fin,
        files={"file": ("C_2026_true_2026-01-01_false_Budget_v1.csv", CHART.encode(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    assert (await client.post("/api/v1/cur/refresh", headers=fin)).status_code == 200
    await client.post("/api/v1/accounts/discover", headers=fin)
    tree = (await client.get("/api/v1/hierarchy", headers=fin, params={"year": 2026})).json()
    retail = next(n for n in tree["nodes"] if n["name"] == "Retail")
    web = retail["children"][0]["children"][0]
    checkout = next(c for c in web["children"] if c["name"] == "Checkout")
    corporate = next(n for n in tree["nodes"] if n["name"] == "Corporate")
    erp = corporate["children"][0]["children"][0]
    accounts = [a["account_id"] for a in (await client.get("/api/v1/accounts", headers=fin)).json()]
    for account in accounts:
        r = await client.put(
            f"/api/v1/accounts/{account}/allocation",
            headers=fin,
            json={
                "effective_from": "2026-10-01",
                "splits": [{"budget_id": checkout["budget_id"], "percent": "100"}],
            },
        )
        assert r.status_code == 200, r.text
    _, po = await mapped(client, container, admin, Role.PRODUCT_OWNER, checkout["id"])
    _, other_pf = await mapped(client, container, admin, Role.PORTFOLIO_OWNER, erp["id"])
    return {
        "admin": admin,
        "fin": fin,
        "vendor": vendor,
        "po": po,
        "other_pf": other_pf,
        "budget": checkout["budget_id"],
        "ledger_budget": erp["children"][0]["budget_id"],
    }
