from __future__ import annotations

import asyncio
from datetime import date

import pytest

from adapters.clock import FixedClock
from adapters.cur.generator import generate_cur
from adapters.recommendations.sample import SampleResource, sample_export, write_csv
from domain.identity.roles import Role
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


async def upload(client, headers, path, name=None):
    return await client.post(
        "/api/v1/recommendations/imports",
        headers=headers,
        files={"file": (name or path.name, path.read_bytes(), "application/octet-stream")},
    )


async def cur_resources(container, accounts):
    """A few resources of each account as the CUR shows them: EC2 instances, RDS databases,
    Lambda functions, S3 buckets and others (generic ARNs)."""
    found = {}
    for account in accounts:
        for service in ("AmazonEC2", "AmazonRDS", "AWSLambda", "AmazonS3", None):
            page = await asyncio.to_thread(
                container.cur.resources, account_id=account, service=service, limit=2
            )
            for x in page.items:
                found[x.account_id, x.resource_id] = SampleResource(
                    x.account_id, x.resource_id, x.region or "us-east-1"
                )
    return [found[k] for k in sorted(found)]


@pytest.fixture
async def org(client, container, settings, tmp_path):
    """Budgets of 2026 and a CUR of Sep–Nov 2026 with two accounts: the first split 100% to
    Checkout, the second 50/50 to Search and Ledger; one EC2 instance of the first account is
    claimed by a Ledger workload. Users: finance, a Cloud Engineer, owners of Checkout and of
    Ledger. The clock stands on 15 November 2026."""
    container.clock = FixedClock.on(date(2026, 11, 15))
    out = tmp_path / "cur"
    generate_cur(out, rows=4_500, accounts=2, resources=24, months=3, start="2026-09", seed=7)
    settings.cur_path = str(out)
    admin = await auth_headers(client, container, role=Role.ADMIN)
    fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
    vendor = await auth_headers(client, container, role=Role.VENDOR_MANAGER)
    engineer = await auth_headers(client, container, role=Role.CLOUD_ENGINEER)
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
    search = next(c for c in web["children"] if c["name"] == "Search")
    corporate = next(n for n in tree["nodes"] if n["name"] == "Corporate")
    ledger = corporate["children"][0]["children"][0]["children"][0]
    accounts = sorted(
        a["account_id"] for a in (await client.get("/api/v1/accounts", headers=fin)).json()
    )
    assert len(accounts) == 2
    splits = {
        accounts[0]: [{"budget_id": checkout["budget_id"], "percent": "100"}],
        accounts[1]: [
            {"budget_id": search["budget_id"], "percent": "50"},
            {"budget_id": ledger["budget_id"], "percent": "50"},
        ],
    }
    for account, shares in splits.items():
        r = await client.put(
            f"/api/v1/accounts/{account}/allocation",
            headers=fin,
            json={"effective_from": "2026-10-01", "splits": shares},
        )
        assert r.status_code == 200, r.text
    resources = await cur_resources(container, accounts)
    claimed = next(
        r for r in resources if r.account_id == accounts[0] and r.resource_id.startswith("i-")
    )
    r = await client.post(
        "/api/v1/workloads",
        headers=fin,
        json={
            "budget_id": ledger["budget_id"],
            "account_id": accounts[0],
            "name": "Ledger batch",
            "calculator_url": "https://calculator.aws/#/estimate?id=ledger",
            "monthly_estimate": "100.00",
            "launch_month": "2026-10",
        },
    )
    assert r.status_code == 201, r.text
    r = await client.post(
        f"/api/v1/workloads/{r.json()['id']}/claims",
        headers=fin,
        json={"resource_ids": [claimed.resource_id], "effective_from": "2026-10-01"},
    )
    assert r.status_code == 201, r.text
    _, po = await mapped(client, container, admin, Role.PRODUCT_OWNER, checkout["id"])
    _, ledger_po = await mapped(client, container, admin, Role.PRODUCT_OWNER, ledger["id"])
    export = write_csv(tmp_path / "export" / "recs.csv", sample_export(resources))
    return {
        "admin": admin,
        "fin": fin,
        "vendor": vendor,
        "engineer": engineer,
        "po": po,
        "ledger_po": ledger_po,
        "accounts": accounts,
        "resources": resources,
        "claimed": claimed,
        "checkout": checkout["budget_id"],
        "search": search["budget_id"],
        "ledger": ledger["budget_id"],
        "export": export,
        "tmp": tmp_path,
    }
