from __future__ import annotations

from datetime import date

import pytest

from adapters.clock import FixedClock
from adapters.cur.generator import account_ids, generate_cur
from domain.identity.roles import Role
from tests.api.orgs import CHART, mapped
from tests.api.spend_cards.conftest import approve_schedule
from tests.factories import auth_headers

SPIKE_DAY = date(2026, 11, 20)


@pytest.fixture
async def world(client, container, settings, tmp_path):
    """Budgets of 2026; a CUR of September to 25 November 2026 whose accounts spend about 100
    a day each, split to Checkout from 1 September, with a load test of 20,000 on 20 November;
    Checkout's schedule approved (100 a month). The clock stands on 26 November."""
    container.clock = FixedClock.on(date(2026, 9, 1))
    out = tmp_path / "cur"
    ids = sorted(account_ids(2))
    generate_cur(
        out,
        rows=6_000,
        accounts=2,
        resources=40,
        months=3,
        start="2026-09",
        until=date(2026, 11, 25),
        monthly_spend={(a, f"2026-{m:02d}"): 3000.0 for a in ids for m in (9, 10, 11)},
        spikes={(ids[0], SPIKE_DAY): 20_000.0},
    )
    settings.cur_path = str(out)
    admin = await auth_headers(client, container, role=Role.ADMIN)
    fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
    r = await client.post(
        "/api/v1/budget-imports",
        headers=fin,
        files={"file": ("C_2026_true_2026-01-01_false_Budget_v1.csv", CHART.encode(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    assert (await client.post("/api/v1/cur/refresh", headers=fin)).status_code == 200
    await container.idle()
    await client.post("/api/v1/accounts/discover", headers=fin)
    tree = (await client.get("/api/v1/hierarchy", headers=fin, params={"year": 2026})).json()
    retail = next(n for n in tree["nodes"] if n["name"] == "Retail")
    web = retail["children"][0]["children"][0]
    checkout = next(c for c in web["children"] if c["name"] == "Checkout")
    search = next(c for c in web["children"] if c["name"] == "Search")
    erp = next(n for n in tree["nodes"] if n["name"] == "Corporate")["children"][0]["children"][0]
    for account in ids:
        r = await client.put(
            f"/api/v1/accounts/{account}/allocation",
            headers=fin,
            json={
                "effective_from": "2026-09-01",
                "splits": [{"budget_id": checkout["budget_id"], "percent": "100"}],
            },
        )
        assert r.status_code == 200, r.text
    po_user, po = await mapped(client, container, admin, Role.PRODUCT_OWNER, checkout["id"])
    pf_user, pf = await mapped(client, container, admin, Role.PORTFOLIO_OWNER, web["id"])
    _, other_pf = await mapped(client, container, admin, Role.PORTFOLIO_OWNER, erp["id"])
    world = {
        "admin": admin,
        "fin": fin,
        "po": po,
        "pf": pf,
        "other_pf": other_pf,
        "budget": checkout["budget_id"],
        "search": search["budget_id"],
        "ledger": erp["children"][0]["budget_id"],
    }
    await approve_schedule(client, world, world["budget"])
    container.clock = FixedClock.on(date(2026, 11, 26))
    return world
