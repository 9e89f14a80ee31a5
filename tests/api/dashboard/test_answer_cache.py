"""The dashboard keeps each answer under the version of its figures and the caller's scope
(api/answer_cache.py, domain/dashboard/freshness.py): a second read is served from it and
equals the computation without it; every kind of write — a schedule approval, a split change,
a claim, a budget load or amount change, a CUR refresh, a scope change — makes the next read
compute again, so no answer is ever stale; and scopes never share an answer.

On the shared organisation (tests/api/spend_cards/conftest.py): Checkout (approved) takes every
account's spend from October 2026, Search and Ledger have no approved schedule."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal

import pytest

from adapters.clock import FixedClock
from adapters.cur.generator import generate_cur
from domain.identity.roles import Role
from tests.api.orgs import CHART, member
from tests.api.spend_cards.conftest import approve_schedule

HEATMAP = "/api/v1/dashboard/heatmap"


async def paths(client, headers) -> list[str]:
    """One read of every dashboard visual the caller may see (the first node of their top
    rows, the costliest product node, a budget and an account of theirs included)."""
    top = (await client.get(HEATMAP, headers=headers, params={"year": 2026})).json()
    node = top["rows"][0]["node_id"]
    first = top["tiles"][0]
    account = (await client.get("/api/v1/accounts", headers=headers)).json()[0]["account_id"]
    y = "year=2026"
    return [
        f"{HEATMAP}?{y}",
        f"{HEATMAP}?{y}&month=10",
        f"{HEATMAP}?{y}&level=1",
        f"{HEATMAP}?{y}&level=3",
        f"{HEATMAP}?{y}&node_id={node}",
        f"{HEATMAP}?{y}&node_id={first['node_id']}",
        f"/api/v1/dashboard/monthly?{y}",
        f"/api/v1/dashboard/monthly?{y}&node_id={node}",
        f"/api/v1/dashboard/accounts/{account}/services?{y}",
        f"/api/v1/dashboard/forecasts?{y}",
        f"/api/v1/dashboard/budgets/{first['budget_id']}/cumulative?{y}",
        f"/api/v1/dashboard/budgets/{top['tiles'][-1]['budget_id']}/cumulative?{y}",
    ]


async def read(client, headers, path) -> dict:
    r = await client.get(path, headers=headers)
    assert r.status_code == 200, f"{path}: {r.text}"
    return r.json()


async def read_all(client, headers, listed) -> dict[str, dict]:
    return {p: await read(client, headers, p) for p in listed}


async def uncached(client, container, headers, listed) -> dict[str, dict]:
    """The same reads computed afresh: nothing kept."""
    container.answers.clear()
    return await read_all(client, headers, listed)


@pytest.fixture
async def world(client, container, org):
    """The clock on 16 November 2026 and every visual read once by finance and by Web's
    Portfolio Owner, so the cache holds them all."""
    container.clock = FixedClock.on(date(2026, 11, 16))
    listed = {}
    for caller in ("fin", "pf", "po"):
        listed[caller] = await paths(client, org[caller])
        await read_all(client, org[caller], listed[caller])
    return {**org, "paths": listed}


async def fresh_after(client, container, world, caller) -> dict[str, dict]:
    """Every visual the caller read before, read right after a write (what the cache would
    answer), checked equal to the uncached computation; returns the answers."""
    headers, listed = world[caller], world["paths"][caller]
    after = await read_all(client, headers, listed)
    assert after == await uncached(client, container, headers, listed)
    return after


def tile(body: dict, budget: int) -> dict:
    return next(t for t in body["tiles"] if t["budget_id"] == budget)


class TestServedAgain:
    async def test_a_second_read_is_the_kept_answer_and_equals_the_uncached_one(
        self, client, container, world
    ):
        for caller in ("fin", "pf", "po"):
            headers, listed = world[caller], world["paths"][caller]
            first = await read_all(client, headers, listed)
            hits = container.answers.hits
            again = await read_all(client, headers, listed)
            assert container.answers.hits == hits + len(listed)
            assert again == first
            assert again == await uncached(client, container, headers, listed)

    async def test_an_error_is_never_kept(self, client, container, world):
        missing = f"{HEATMAP}?year=2026&node_id=999999"
        computed = container.answers.misses
        for _ in range(2):
            r = await client.get(missing, headers=world["fin"])
            assert r.status_code == 404
        assert container.answers.misses == computed + 2


class TestScopes:
    async def test_scopes_never_share_an_answer(self, client, world):
        path = f"{HEATMAP}?year=2026"
        fin = await read(client, world["fin"], path)
        pf = await read(client, world["pf"], path)
        other = await read(client, world["other_pf"], path)
        assert {t["name"] for t in fin["tiles"]} == {"Checkout", "Search", "Ledger"}
        assert {t["name"] for t in pf["tiles"]} == {"Checkout", "Search"}
        assert {t["name"] for t in other["tiles"]} == {"Ledger"}
        r = await client.get(
            f"/api/v1/dashboard/budgets/{world['ledger']}/cumulative?year=2026",
            headers=world["pf"],
        )
        assert r.status_code == 404  # kept for finance, still out of the owner's scope

    async def test_a_scope_change_is_seen_at_once(self, client, world):
        path = f"{HEATMAP}?year=2026"
        assert {t["name"] for t in (await read(client, world["pf"], path))["tiles"]} == {
            "Checkout",
            "Search",
        }
        erp = _org(world).nodes["ERP"]["id"]
        r = await client.put(
            f"/api/v1/users/{world['pf_user'].id}/scope",
            headers=world["admin"],
            json={"node_ids": [erp]},
        )
        assert r.status_code == 200, r.text
        assert {t["name"] for t in (await read(client, world["pf"], path))["tiles"]} == {"Ledger"}


class TestEveryWriteIsSeen:
    async def test_a_schedule_approval(self, client, container, world):
        search = next(
            t["budget_id"]
            for t in (await read(client, world["fin"], f"{HEATMAP}?year=2026"))["tiles"]
            if t["name"] == "Search"
        )
        before = await read(client, world["fin"], f"{HEATMAP}?year=2026")
        assert tile(before, search)["approved"] is False
        _, po_search = await member(client, container, _org(world), Role.PRODUCT_OWNER, "Search")
        await approve_schedule(client, {**world, "po": po_search}, search, amount="50.00")
        for caller in ("fin", "pf"):
            after = await fresh_after(client, container, world, caller)
            assert tile(after[f"{HEATMAP}?year=2026"], search)["approved"] is True

    async def test_a_split_change(self, client, container, world):
        search = _org(world).budget("Search")
        before = await read(client, world["fin"], f"{HEATMAP}?year=2026")
        assert Decimal(tile(before, search)["spend"]) == 0
        for account in _org(world).accounts:
            r = await client.put(
                f"/api/v1/accounts/{account}/allocation",
                headers=world["fin"],
                json={
                    "effective_from": "2026-11-01",
                    "splits": [{"budget_id": search, "percent": "100"}],
                },
            )
            assert r.status_code == 200, r.text
        for caller in ("fin", "pf"):
            after = await fresh_after(client, container, world, caller)
            assert Decimal(tile(after[f"{HEATMAP}?year=2026"], search)["spend"]) > 0

    async def test_a_claim(self, client, container, world):
        fin, ledger = world["fin"], world["ledger"]
        before = await read(client, fin, f"{HEATMAP}?year=2026")
        assert Decimal(tile(before, ledger)["spend"]) == 0
        top = (await client.get("/api/v1/resources", headers=fin)).json()["items"][0]
        w = await client.post(
            "/api/v1/workloads",
            headers=fin,
            json={
                "budget_id": ledger,
                "name": "Ledger API",
                "account_id": top["account_id"],
                "calculator_url": "https://calculator.aws/#/estimate?id=x",
                "monthly_estimate": "100.00",
                "launch_month": "2026-10",
            },
        )
        assert w.status_code == 201, w.text
        r = await client.post(
            f"/api/v1/workloads/{w.json()['id']}/claims",
            headers=fin,
            json={"resource_ids": [top["resource_id"]], "effective_from": "2026-10-01"},
        )
        assert r.status_code == 201, r.text
        after = await fresh_after(client, container, world, "fin")
        assert Decimal(tile(after[f"{HEATMAP}?year=2026"], ledger)["spend"]) > 0

    async def test_a_budget_amount_change(self, client, container, world):
        fin, budget = world["fin"], world["budget"]
        r = await client.patch(
            f"/api/v1/budgets/{budget}",
            headers=fin,
            json={"annual_amount": "2400.00", "effective_from": "2026-11-01"},
        )
        assert r.status_code == 200, r.text
        after = await fresh_after(client, container, world, "fin")
        assert Decimal(tile(after[f"{HEATMAP}?year=2026"], budget)["annual_amount"]) == Decimal(
            "2400.00"
        )

    async def test_a_budget_load(self, client, container, world):
        fin = world["fin"]
        chart = CHART + "Retail,Digital,Web,Payments,300.00\n"
        r = await client.post(
            "/api/v1/budget-imports",
            headers=fin,
            files={
                "file": ("C_2026_false_2026-11-01_false_Budget_v2.csv", chart.encode(), "text/csv")
            },
        )
        assert r.status_code == 201, r.text
        for caller in ("fin", "pf"):
            after = await fresh_after(client, container, world, caller)
            names = {t["name"] for t in after[f"{HEATMAP}?year=2026"]["tiles"]}
            assert "Payments" in names

    async def test_a_cur_refresh(self, client, container, world):
        fin = world["fin"]
        before = await read(client, fin, f"{HEATMAP}?year=2026")
        shutil.rmtree(world["cur"])
        generate_cur(
            world["cur"],
            rows=3_000,
            accounts=2,
            resources=24,
            months=2,
            start="2026-10",
            final_months=1,
            seed=8,
        )
        r = await client.post("/api/v1/cur/refresh", headers=fin)
        assert r.status_code == 200, r.text
        for caller in ("fin", "pf"):
            after = await fresh_after(client, container, world, caller)
            assert after[f"{HEATMAP}?year=2026"]["total"] != before["total"]


def _org(world):
    """The Org of the shared fixture (budgets by name, accounts), kept by the conftest."""
    return world["o"]
