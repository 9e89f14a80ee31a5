"""A month to close: budgets of 2026 with budget codes, a CUR of Oct–Nov 2026 (October final,
with AWS credits, refunds and tax as the generator writes them), three accounts (one split
60/40 across two business units, one to a single product, one left Unallocated)."""

from __future__ import annotations

from datetime import date

import pytest

from adapters.clock import FixedClock
from adapters.cur.generator import generate_cur
from domain.identity.roles import Role
from tests.factories import auth_headers, make_user, token_for

CHART = (
    "BU,Dept,Portfolio,Product,Amount,Budget Code\n"
    "Retail,Digital,Web,Checkout,1200.00,RT-001\n"
    "Retail,Digital,Web,Search,600.00,RT-002\n"
    "Corporate,Finance,ERP,Ledger,1200,CO-001\n"
)
DEFAULT_UNIT = "Shared IT"
CHECKLIST = {
    "vendor": "Amazon Web Services EMEA SARL",
    "purchase_order": "PO-2026-0042",
    "internal_memo": "October AWS bill",
}


@pytest.fixture
async def month(client, container, settings, tmp_path):
    container.clock = FixedClock.on(date(2026, 10, 1))
    out = tmp_path / "cur"
    generate_cur(
        out,
        rows=3_000,
        accounts=3,
        resources=24,
        months=2,
        start="2026-10",
        final_months=1,
        seed=11,
    )
    settings.cur_path = str(out)
    settings.default_business_unit = DEFAULT_UNIT
    admin = await auth_headers(client, container, role=Role.ADMIN)
    fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
    vm = await auth_headers(client, container, role=Role.VENDOR_MANAGER)
    r = await client.post(
        "/api/v1/budget-imports",
        headers=fin,
        files={"file": ("C_2026_true_2026-01-01_false_Budget_v1.csv", CHART.encode(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    assert (await client.post("/api/v1/cur/refresh", headers=fin)).status_code == 200
    await client.post("/api/v1/accounts/discover", headers=fin)
    budgets = {
        b["path"][-1]: b["id"]
        for b in (await client.get("/api/v1/budgets", headers=fin, params={"year": 2026})).json()[
            "items"
        ]
    }
    accounts = sorted(
        a["account_id"] for a in (await client.get("/api/v1/accounts", headers=fin)).json()
    )
    assert len(accounts) == 3
    shares = (
        {budgets["Checkout"]: "60", budgets["Ledger"]: "40"},
        {budgets["Search"]: "100"},
    )
    for account, split in zip(accounts, shares, strict=False):
        r = await client.put(
            f"/api/v1/accounts/{account}/allocation",
            headers=fin,
            json={
                "effective_from": "2026-10-01",
                "splits": [{"budget_id": b, "percent": p} for b, p in split.items()],
            },
        )
        assert r.status_code == 200, r.text
    tree = (await client.get("/api/v1/hierarchy", headers=fin, params={"year": 2026})).json()
    retail = next(n for n in tree["nodes"] if n["name"] == "Retail")
    checkout = retail["children"][0]["children"][0]["children"][0]
    owner = await make_user(container, role=Role.PRODUCT_OWNER)
    r = await client.put(
        f"/api/v1/users/{owner.id}/scope", headers=admin, json={"node_ids": [checkout["id"]]}
    )
    assert r.status_code == 200, r.text
    po = {"Authorization": f"Bearer {await token_for(client, owner.email)}"}
    # the close happens on 5 November: October is over and its CUR is final
    container.clock = FixedClock.on(date(2026, 11, 5))
    return {
        "admin": admin,
        "fin": fin,
        "vm": vm,
        "po": po,
        "budgets": budgets,
        "accounts": accounts,
        "cur": out,
    }


async def fill(client, headers, period="2026-10", **overrides):
    current = (await client.get(f"/api/v1/closes/{period}", headers=headers)).json()
    body = {
        **CHECKLIST,
        "invoice_numbers": current["invoice_numbers"],
        "default_business_unit": "",
        "version": current["version"],
        **overrides,
    }
    r = await client.put(f"/api/v1/closes/{period}", headers=headers, json=body)
    assert r.status_code == 200, r.text
    return r.json()
