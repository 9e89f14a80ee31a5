"""Spend allocated by the rules set through the API, checked against an independent plain-SQL
computation over the raw CUR files."""

from __future__ import annotations

from decimal import Decimal

import duckdb

from domain.identity.roles import Role
from tests.api.allocation.conftest import owner_of

CALC = "https://calculator.aws/#/estimate?id=spend-test"


def expected_by_budget(cur, *, account, resource, ids):
    """Per budget, from the raw line items: claim (not tax) → Checkout on 09-05..09-20; else the
    account's split: 60/40 Storefront/Checkout until 09-13, Ledger from 09-14; else None."""
    sql = f"""
        WITH li AS (
            SELECT CAST(line_item_usage_start_date AS DATE) AS d,
                   line_item_usage_account_id AS account, line_item_resource_id AS resource,
                   line_item_line_item_type AS kind,
                   CAST(line_item_unblended_cost AS DECIMAL(20,10)) AS cost
            FROM read_parquet('{cur}/**/*.parquet')
            WHERE strftime(bill_billing_period_start_date, '%Y-%m') = '2026-09'
              AND line_item_line_item_type NOT IN ('Credit', 'Refund')
        )
        SELECT
          CASE
            WHEN resource = '{resource}' AND kind <> 'Tax'
                 AND d BETWEEN DATE '2026-09-05' AND DATE '2026-09-20' THEN 'claim'
            WHEN account = '{account}' AND d <= DATE '2026-09-13' THEN 'split'
            WHEN account = '{account}' THEN 'ledger'
            ELSE 'none' END AS rule,
          sum(cost), count(*)
        FROM li GROUP BY ALL
    """
    parts = {rule: (Decimal(total), n) for rule, total, n in duckdb.sql(sql).fetchall()}
    zero = (Decimal(0), 0)
    split, claim, ledger, none = (parts.get(k, zero) for k in ("split", "claim", "ledger", "none"))
    return {
        ids["Storefront"]: split[0] * Decimal("0.6"),
        ids["Checkout"]: split[0] * Decimal("0.4") + claim[0],
        ids["Ledger"]: ledger[0],
        None: none[0],
    }, sum(p[1] for p in parts.values())


class TestSpend:
    async def test_allocated_spend_matches_an_independent_computation(self, client, world):
        fin, budgets = world["finance"], world["budgets"]
        account = world["accounts"][0]
        resource = world["resources"][account][0]
        ids = {name: b["id"] for name, b in budgets.items()}
        url = f"/api/v1/accounts/{account}/allocation"
        assert (
            await client.put(
                url,
                headers=fin,
                json={
                    "effective_from": "2026-09-01",
                    "splits": [
                        {"budget_id": ids["Storefront"], "percent": "60"},
                        {"budget_id": ids["Checkout"], "percent": "40"},
                    ],
                },
            )
        ).status_code == 200
        assert (
            await client.put(
                url,
                headers=fin,
                json={
                    "effective_from": "2026-09-14",
                    "splits": [{"budget_id": ids["Ledger"], "percent": "100"}],
                },
            )
        ).status_code == 200
        w = (
            await client.post(
                "/api/v1/workloads",
                headers=fin,
                json={
                    "budget_id": ids["Checkout"],
                    "account_id": account,
                    "name": "api",
                    "calculator_url": CALC,
                    "monthly_estimate": "1",
                    "launch_month": "2026-01",
                },
            )
        ).json()
        r = await client.post(
            f"/api/v1/workloads/{w['id']}/claims",
            headers=fin,
            json={"resource_ids": [resource], "effective_from": "2026-09-05"},
        )
        assert r.status_code == 201, r.text
        r = await client.post(
            "/api/v1/claims/release",
            headers=fin,
            json={"resource_ids": [resource], "effective_to": "2026-09-20"},
        )
        assert r.status_code == 200, r.text

        spend = (
            await client.get(
                "/api/v1/spend", headers=fin, params={"period": "2026-09", "group_by": "budget"}
            )
        ).json()
        got = {row["budget_id"]: Decimal(row["amount"]) for row in spend["rows"]}
        expected, rows = expected_by_budget(
            world["cur"], account=account, resource=resource, ids=ids
        )
        # Each daily row is split at 1E-10 with largest remainder; exact math differs from it
        # by less than 1E-10 per row, and the whole still adds up exactly.
        for budget_id, amount in expected.items():
            assert abs(got.get(budget_id, Decimal(0)) - amount) <= Decimal("1E-10") * rows
        assert Decimal(spend["total"]) == sum(expected.values())
        periods = (await client.get("/api/v1/billing-periods", headers=fin)).json()
        assert spend["periods"] == ["2026-09"]
        assert periods

    async def test_owners_see_only_their_budgets_and_no_unallocated(self, client, container, world):
        fin, budgets = world["finance"], world["budgets"]
        account = world["accounts"][0]
        await client.put(
            f"/api/v1/accounts/{account}/allocation",
            headers=fin,
            json={
                "effective_from": "2026-09-01",
                "splits": [
                    {"budget_id": budgets["Storefront"]["id"], "percent": "50"},
                    {"budget_id": budgets["Ledger"]["id"], "percent": "50"},
                ],
            },
        )
        po = await owner_of(
            client,
            container,
            fin,
            role=Role.PORTFOLIO_OWNER,
            node_path=["Corporate", "Finance", "ERP"],
        )
        mine = (
            await client.get(
                "/api/v1/spend", headers=po, params={"from": "2026-09", "to": "2026-10"}
            )
        ).json()
        assert {r["budget_id"] for r in mine["rows"]} == {budgets["Ledger"]["id"]}
        everything = (
            await client.get(
                "/api/v1/spend", headers=fin, params={"from": "2026-09", "to": "2026-10"}
            )
        ).json()
        assert None in {r["budget_id"] for r in everything["rows"]}
        ledger = next(r for r in everything["rows"] if r["budget_id"] == budgets["Ledger"]["id"])
        assert mine["total"] == ledger["amount"]
        by_node = (
            await client.get(
                "/api/v1/spend",
                headers=po,
                params={"from": "2026-09", "to": "2026-10", "group_by": "node"},
            )
        ).json()
        assert [r["name"] for r in by_node["rows"]] == ["ERP", "Ledger"]
        assert by_node["rows"][0]["amount"] == ledger["amount"]
        engineer = await owner_of(
            client,
            container,
            fin,
            role=Role.PRODUCT_OWNER,
            node_path=["Retail", "Digital", "Web", "Checkout"],
        )
        nothing = (
            await client.get("/api/v1/spend", headers=engineer, params={"period": "2026-09"})
        ).json()
        assert nothing["rows"] == []

    async def test_a_rule_change_recomputes_the_materialized_period(self, client, world):
        fin, budgets = world["finance"], world["budgets"]
        account = world["accounts"][0]
        before = (
            await client.get("/api/v1/spend", headers=fin, params={"period": "2026-09"})
        ).json()
        assert {r["budget_id"] for r in before["rows"]} == {None}
        await client.put(
            f"/api/v1/accounts/{account}/allocation",
            headers=fin,
            json={
                "effective_from": "2026-09-01",
                "splits": [{"budget_id": budgets["Checkout"]["id"], "percent": "100"}],
            },
        )
        after = (
            await client.get("/api/v1/spend", headers=fin, params={"period": "2026-09"})
        ).json()
        assert budgets["Checkout"]["id"] in {r["budget_id"] for r in after["rows"]}
        assert after["total"] == before["total"]

    async def test_unknown_period_and_bad_grouping(self, client, world):
        fin = world["finance"]
        assert (
            await client.get("/api/v1/spend", headers=fin, params={"period": "2031-01"})
        ).status_code == 404
        assert (
            await client.get("/api/v1/spend", headers=fin, params={"group_by": "planet"})
        ).status_code == 422
