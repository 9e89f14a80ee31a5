"""The turn of the fiscal year: splits, workloads and claims end with their budget's year, and
Finance carries them forward onto the new year's same-path products."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert

from adapters.clock import FixedClock
from adapters.cur.generator import generate_cur
from adapters.db.models import ClosedPeriodRow
from domain.identity.roles import Role
from tests.api.allocation.conftest import CHART, owner_of
from tests.factories import auth_headers

# The new year: the same products (one spelt in another case), Ledger renamed.
CHART_2027 = (
    "BU,Dept,Portfolio,Product,Amount\n"
    "Retail,Digital,Web,STOREFRONT,130000\n"
    "Retail,Digital,Web,Checkout,65000\n"
    "Corporate,Finance,ERP,General Ledger,30000\n"
)
CALC = "https://calculator.aws/#/estimate?id=turn-of-year"
URL = "/api/v1/accounts/carry-forward"


async def load(client, headers, year, chart):
    r = await client.post(
        "/api/v1/budget-imports",
        headers=headers,
        files={"file": (f"C_{year}_true_{year}-01-01_false_Budget_v1.csv", chart.encode())},
    )
    assert r.status_code == 201, r.text
    items = (await client.get("/api/v1/budgets", headers=headers, params={"year": year})).json()[
        "items"
    ]
    return {b["product"]: b["id"] for b in items}


@pytest.fixture
async def turn(client, container, settings, tmp_path):
    """2026 budgets, a CUR of December 2026 and January 2027, its accounts discovered; account
    A split 60/40 Storefront/Checkout from 1 December with a workload claiming one resource,
    account B split 100% onto Ledger."""
    out = tmp_path / "cur"
    generate_cur(out, rows=3_000, accounts=3, resources=30, months=2, start="2026-12")
    settings.cur_path = str(out)
    fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
    old = await load(client, fin, 2026, CHART)
    assert (await client.post("/api/v1/cur/refresh", headers=fin)).status_code == 200
    await client.post("/api/v1/accounts/discover", headers=fin)
    resources = (
        await client.get("/api/v1/resources", headers=fin, params={"period": "2026-12"})
    ).json()["items"]
    a = resources[0]["account_id"]
    b = next(r["account_id"] for r in resources if r["account_id"] != a)
    resource = resources[0]["resource_id"]
    for account, shares in (
        (a, [(old["Storefront"], "60"), (old["Checkout"], "40")]),
        (b, [(old["Ledger"], "100")]),
    ):
        r = await client.put(
            f"/api/v1/accounts/{account}/allocation",
            headers=fin,
            json={
                "effective_from": "2026-12-01",
                "splits": [{"budget_id": i, "percent": p} for i, p in shares],
            },
        )
        assert r.status_code == 200, r.text
    r = await client.post(
        "/api/v1/workloads",
        headers=fin,
        json={
            "budget_id": old["Checkout"],
            "account_id": a,
            "name": "Checkout API",
            "calculator_url": CALC,
            "monthly_estimate": "900.00",
            "launch_month": "2026-11",
        },
    )
    assert r.status_code == 201, r.text
    workload = r.json()
    r = await client.post(
        f"/api/v1/workloads/{workload['id']}/claims",
        headers=fin,
        json={"resource_ids": [resource], "effective_from": "2026-12-01"},
    )
    assert r.status_code == 201, r.text
    return {
        "fin": fin,
        "old": old,
        "a": a,
        "b": b,
        "resource": resource,
        "workload": workload,
    }


async def budgets_with_spend(client, headers, period):
    r = await client.get("/api/v1/spend", headers=headers, params={"period": period})
    assert r.status_code == 200, r.text
    return {row["budget_id"] for row in r.json()["rows"] if row["amount"] != "0.00"}


class TestSplitsEndWithTheYear:
    async def test_january_spend_is_unallocated_without_a_new_years_split(self, client, turn):
        fin, old = turn["fin"], turn["old"]
        assert {old["Storefront"], old["Checkout"], old["Ledger"]} <= await budgets_with_spend(
            client, fin, "2026-12"
        )
        # neither the 2026 splits nor the claim to the 2026 workload reach 2027 spend
        assert await budgets_with_spend(client, fin, "2027-01") == {None}
        history = (await client.get(f"/api/v1/accounts/{turn['a']}/allocation", headers=fin)).json()
        assert [(v["effective_from"], v["effective_to"]) for v in history] == [
            ("2026-12-01", "2026-12-31")
        ]

    async def test_december_shows_the_years_splits_as_expiring(self, client, container, turn):
        fin = turn["fin"]
        container.clock = FixedClock.on(date(2026, 12, 10))
        summary = (await client.get("/api/v1/allocation-summary", headers=fin)).json()
        assert {v["account_id"] for v in summary["expiring"]} == {turn["a"], turn["b"]}
        assert summary["current"] == summary["new"] == []
        container.clock = FixedClock.on(date(2027, 1, 4))
        summary = (await client.get("/api/v1/allocation-summary", headers=fin)).json()
        assert {v["account_id"] for v in summary["past"]} == {turn["a"], turn["b"]}
        assert not any(v["current"] for v in summary["past"])


class TestCarryForward:
    async def test_dry_run_proposes_and_changes_nothing(self, client, turn):
        fin, old = turn["fin"], turn["old"]
        new = await load(client, fin, 2027, CHART_2027)
        r = await client.post(URL, headers=fin, json={"from_year": 2026, "to_year": 2027})
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["dry_run"], body["applied"]) == (True, False)
        [split] = body["splits"]
        assert (split["account_id"], split["effective_from"], split["status"]) == (
            turn["a"],
            "2027-01-01",
            "proposed",
        )
        assert [
            (ln["from_budget_id"], ln["to_budget_id"], ln["percent"]) for ln in split["lines"]
        ] == [
            (old["Storefront"], new["STOREFRONT"], "60.00"),
            (old["Checkout"], new["Checkout"], "40.00"),
        ]
        [workload] = body["workloads"]
        assert (workload["workload_id"], workload["to_budget_id"], workload["status"]) == (
            turn["workload"]["id"],
            new["Checkout"],
            "proposed",
        )
        [claim] = body["claims"]
        assert (claim["resource_id"], claim["to_workload_id"], claim["status"]) == (
            turn["resource"],
            None,
            "proposed",
        )
        [not_carried] = body["not_carried"]
        assert (not_carried["kind"], not_carried["account_id"]) == ("split", turn["b"])
        assert "Ledger" in not_carried["reason"]
        assert "retired or renamed" in not_carried["reason"]
        # nothing changed
        assert await budgets_with_spend(client, fin, "2027-01") == {None}
        assert len((await client.get("/api/v1/workloads", headers=fin)).json()) == 1

    async def test_apply_carries_everything_carriable_once(self, client, container, turn):
        fin, new = turn["fin"], await load(client, turn["fin"], 2027, CHART_2027)
        body = {"from_year": 2026, "to_year": 2027, "dry_run": False}
        r = await client.post(URL, headers=fin, json=body)
        assert r.status_code == 200, r.text
        applied = r.json()
        assert applied["applied"] is True
        assert {x["status"] for x in applied["splits"] + applied["workloads"]} == {"carried"}
        new_workload = applied["workloads"][0]["new_workload_id"]
        assert applied["claims"][0]["to_workload_id"] == new_workload
        # January's spend now reaches the 2027 budgets; account B's stays Unallocated
        assert await budgets_with_spend(client, fin, "2027-01") == {
            new["STOREFRONT"],
            new["Checkout"],
            None,
        }
        history = (await client.get(f"/api/v1/accounts/{turn['a']}/allocation", headers=fin)).json()
        assert [(v["effective_from"], v["effective_to"]) for v in history] == [
            ("2026-12-01", "2026-12-31"),
            ("2027-01-01", "2027-12-31"),
        ]
        carried = (await client.get(f"/api/v1/workloads/{new_workload}", headers=fin)).json()
        assert (carried["name"], carried["monthly_estimate"], carried["launch_month"]) == (
            "Checkout API",
            "900.00",
            "2027-01",
        )
        claims = (await client.get("/api/v1/claims", headers=fin)).json()
        assert sorted(
            (c["workload_id"], c["effective_from"], c["effective_to"], c["status"]) for c in claims
        ) == [
            (turn["workload"]["id"], "2026-12-01", "2026-12-31", "released"),
            (new_workload, "2027-01-01", None, "open"),
        ]

        # again: nothing duplicated, everything listed as already carried
        again = await client.post(URL, headers=fin, json=body)
        assert again.status_code == 200, again.text
        second = again.json()
        assert second["applied"] is False
        statuses = {x["status"] for x in second["splits"] + second["workloads"] + second["claims"]}
        assert statuses == {"already_carried"}
        assert len(second["claims"]) == 1
        assert len((await client.get("/api/v1/workloads", headers=fin)).json()) == 2
        assert len((await client.get("/api/v1/claims", headers=fin)).json()) == 2
        admin = await auth_headers(client, container, role=Role.ADMIN)
        audit = await client.get(
            "/api/v1/audit", headers=admin, params={"action": "allocation.carry_forward"}
        )
        assert audit.json()["total"] == 1

    async def test_a_closed_january_refuses_and_changes_nothing(self, client, container, turn):
        fin = turn["fin"]
        await load(client, fin, 2027, CHART_2027)
        async with container.sessionmaker() as session:
            await session.execute(
                insert(ClosedPeriodRow), [{"period": "2027-01", "closed_by": "t"}]
            )
            await session.commit()
        r = await client.post(
            URL, headers=fin, json={"from_year": 2026, "to_year": 2027, "dry_run": False}
        )
        assert r.status_code == 422
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"][0]["field"] == "to_year"
        assert len((await client.get("/api/v1/workloads", headers=fin)).json()) == 1

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"from_year": 2026, "to_year": 2028}, "to_year"),
            ({"from_year": 2026, "to_year": 2027}, "to_year"),  # no 2027 chart loaded
        ],
    )
    async def test_bad_years(self, client, turn, body, field):
        r = await client.post(URL, headers=turn["fin"], json=body)
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == field

    @pytest.mark.parametrize(
        ("role", "node_path"),
        [
            (Role.PRODUCT_OWNER, ["Retail", "Digital", "Web", "Checkout"]),
            (Role.PORTFOLIO_OWNER, ["Retail", "Digital", "Web"]),
        ],
    )
    async def test_owners_may_not_carry_forward(self, client, container, turn, role, node_path):
        headers = await owner_of(client, container, turn["fin"], role=role, node_path=node_path)
        r = await client.post(URL, headers=headers, json={"from_year": 2026, "to_year": 2027})
        assert r.status_code == 403
