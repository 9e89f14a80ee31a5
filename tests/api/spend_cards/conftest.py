from __future__ import annotations

from datetime import date

import pytest

from adapters.clock import FixedClock
from adapters.cur.generator import generate_cur
from domain.identity.roles import Role
from tests.api.spend.test_spend_api import SECRET
from tests.factories import auth_headers, make_user, token_for

CHART = (
    "BU,Dept,Portfolio,Product,Amount\n"
    "Retail,Digital,Web,Checkout,1200.00\n"
    "Retail,Digital,Web,Search,600.00\n"
    "Corporate,Finance,ERP,Ledger,1200\n"
)


async def mapped(client, container, admin, role, node_id):
    user = await make_user(container, role=role)
    r = await client.put(
        f"/api/v1/users/{user.id}/scope", headers=admin, json={"node_ids": [node_id]}
    )
    assert r.status_code == 200, r.text
    return user, {"Authorization": f"Bearer {await token_for(client, user.email)}"}


def write_cur(out, *, final_months):
    """Oct–Nov 2026 (November has five Mondays); the first `final_months` carry an invoice."""
    generate_cur(
        out,
        rows=3_000,
        accounts=2,
        resources=24,
        months=2,
        start="2026-10",
        final_months=final_months,
        seed=7,
    )


async def approve_schedule(client, org, budget, *, amount="100.00"):
    months = [{"month": f"2026-{m:02d}", "amount": amount} for m in range(1, 13)]
    po, pf = org["po"], org["pf"]
    r = await client.put(
        f"/api/v1/budgets/{budget}/schedule", headers=po, json={"months": months, "version": 0}
    )
    assert r.status_code == 200, r.text
    for headers, action, version in ((po, "submit", 1), (pf, "approve", 2)):
        r = await client.post(
            f"/api/v1/budgets/{budget}/schedule/{action}",
            headers=headers,
            json={"version": version},
        )
        assert r.status_code == 200, r.text


@pytest.fixture
async def org(client, container, settings, tmp_path):
    """Budgets of 2026; a CUR of Oct–Nov 2026 (Oct final) whose accounts are all split to
    Checkout from 1 October; users around Checkout. The clock stands on 1 October."""
    container.clock = FixedClock.on(date(2026, 10, 1))
    out = tmp_path / "cur"
    write_cur(out, final_months=1)
    settings.cur_path = str(out)
    settings.webhook_secret = SECRET
    admin = await auth_headers(client, container, role=Role.ADMIN)
    fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
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
    po_user, po = await mapped(client, container, admin, Role.PRODUCT_OWNER, checkout["id"])
    pf_user, pf = await mapped(client, container, admin, Role.PORTFOLIO_OWNER, web["id"])
    _, other_pf = await mapped(client, container, admin, Role.PORTFOLIO_OWNER, erp["id"])
    _, bu = await mapped(client, container, admin, Role.BUSINESS_UNIT_OWNER, retail["id"])
    world = {
        "admin": admin,
        "fin": fin,
        "po": po,
        "pf": pf,
        "other_pf": other_pf,
        "bu": bu,
        "po_user": po_user,
        "pf_user": pf_user,
        "budget": checkout["budget_id"],
        "ledger": erp["children"][0]["budget_id"],
        "cur": out,
    }
    await approve_schedule(client, world, world["budget"])
    return world
