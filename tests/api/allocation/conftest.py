from __future__ import annotations

import duckdb
import pytest

from adapters.cur.generator import generate_cur
from domain.identity.roles import Role
from tests.factories import auth_headers, make_user, token_for

CHART = (
    "BU,Dept,Portfolio,Product,Amount\n"
    "Retail,Digital,Web,Storefront,120000\n"
    "Retail,Digital,Web,Checkout,60000\n"
    "Corporate,Finance,ERP,Ledger,30000\n"
)


@pytest.fixture
async def world(client, container, settings, tmp_path):
    """Budgets of 2026, a generated CUR (Sep–Oct 2026) refreshed, its accounts discovered."""
    out = tmp_path / "cur"
    generate_cur(out, rows=4_000, accounts=3, resources=40, months=2, start="2026-09")
    settings.cur_path = str(out)
    finance = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
    r = await client.post(
        "/api/v1/budget-imports",
        headers=finance,
        files={"file": ("C_2026_true_2026-01-01_false_Budget_v1.csv", CHART.encode(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    assert (await client.post("/api/v1/cur/refresh", headers=finance)).status_code == 200
    await client.post("/api/v1/accounts/discover", headers=finance)
    budgets = {
        b["product"]: b
        for b in (
            await client.get("/api/v1/budgets", headers=finance, params={"year": 2026})
        ).json()["items"]
    }
    accounts = [
        a["account_id"] for a in (await client.get("/api/v1/accounts", headers=finance)).json()
    ]
    pairs = duckdb.sql(
        "SELECT DISTINCT line_item_resource_id, line_item_usage_account_id FROM "
        f"read_parquet('{out}/**/*.parquet') WHERE line_item_resource_id <> '' ORDER BY 1"
    ).fetchall()
    resources: dict[str, list[str]] = {}
    for resource_id, account_id in pairs:
        resources.setdefault(account_id, []).append(resource_id)
    return {
        "finance": finance,
        "budgets": budgets,
        "accounts": sorted(accounts),
        "resources": resources,
        "cur": out,
    }


async def owner_of(client, container, finance, *, role, node_path, year=2026):
    """A user of `role` mapped to the node at `node_path`, with their headers."""
    tree = (await client.get("/api/v1/hierarchy", headers=finance, params={"year": year})).json()[
        "nodes"
    ]
    node = None
    level = tree
    for name in node_path:
        node = next(n for n in level if n["name"] == name)
        level = node["children"]
    user = await make_user(container, role=role)
    admin = await auth_headers(client, container, role=Role.ADMIN)
    r = await client.put(
        f"/api/v1/users/{user.id}/scope", headers=admin, json={"node_ids": [node["id"]]}
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {await token_for(client, user.email)}"}
