from __future__ import annotations

from datetime import date

import pytest

from adapters.cur.generator import generate_cur
from domain.identity.roles import Role
from tests.api.orgs import build_org, member, split
from tests.api.spend.test_spend_api import SECRET


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
    settings.webhook_secret = SECRET
    o = await build_org(
        client,
        container,
        settings,
        today=date(2026, 10, 1),
        cur=tmp_path / "cur",
        write_cur=lambda out: write_cur(out, final_months=1),
    )
    checkout = o.budget("Checkout")
    await split(client, o, {account: {checkout: "100"} for account in o.accounts})
    po_user, po = await member(client, container, o, Role.PRODUCT_OWNER, "Checkout")
    pf_user, pf = await member(client, container, o, Role.PORTFOLIO_OWNER, "Web")
    _, other_pf = await member(client, container, o, Role.PORTFOLIO_OWNER, "ERP")
    _, bu = await member(client, container, o, Role.BUSINESS_UNIT_OWNER, "Retail")
    world = {
        "admin": o.admin,
        "fin": o.fin,
        "po": po,
        "pf": pf,
        "other_pf": other_pf,
        "bu": bu,
        "po_user": po_user,
        "pf_user": pf_user,
        "budget": checkout,
        "ledger": o.budget("Ledger"),
        "cur": tmp_path / "cur",
        "o": o,
    }
    await approve_schedule(client, world, world["budget"])
    return world
