from __future__ import annotations

import asyncio
from datetime import date

import pytest

from adapters.cur.generator import generate_cur
from adapters.recommendations.sample import SampleResource, sample_export, write_csv
from domain.identity.roles import Role
from tests.api.orgs import build_org, member, split


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
    o = await build_org(
        client,
        container,
        settings,
        today=date(2026, 11, 15),
        cur=tmp_path / "cur",
        write_cur=lambda out: generate_cur(
            out, rows=4_500, accounts=2, resources=24, months=3, start="2026-09", seed=7
        ),
        roles=(Role.VENDOR_MANAGER, Role.CLOUD_ENGINEER),
    )
    fin, accounts = o.fin, list(o.accounts)
    assert len(accounts) == 2
    checkout, search, ledger = o.nodes["Checkout"], o.nodes["Search"], o.nodes["Ledger"]
    await split(
        client,
        o,
        {
            accounts[0]: {checkout["budget_id"]: "100"},
            accounts[1]: {search["budget_id"]: "50", ledger["budget_id"]: "50"},
        },
    )
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
    _, po = await member(client, container, o, Role.PRODUCT_OWNER, "Checkout")
    _, ledger_po = await member(client, container, o, Role.PRODUCT_OWNER, "Ledger")
    export = write_csv(tmp_path / "export" / "recs.csv", sample_export(resources))
    return {
        "admin": o.admin,
        "fin": fin,
        "vendor": o.roles[Role.VENDOR_MANAGER],
        "engineer": o.roles[Role.CLOUD_ENGINEER],
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
