from __future__ import annotations

from decimal import Decimal

from api.demo import DEMO_CHART, DEMO_PASSWORD, DEMO_USERS, load_demo
from tests.factories import token_for


async def login(client, email):
    return {"Authorization": "Bearer " + await token_for(client, email, DEMO_PASSWORD)}


class TestDemo:
    async def test_demo_loads_once_and_shows_a_living_organisation(self, settings, client):
        first = await load_demo(settings)
        await load_demo(settings)  # idempotent: nothing doubles
        assert len(first.users) == len(DEMO_USERS)
        fin = await login(client, "fin@demo.finops")
        budgets = (await client.get("/api/v1/budgets", headers=fin, params={"year": 2026})).json()
        assert budgets["total"] == len(DEMO_CHART)
        po = await login(client, "portfolio@demo.finops")
        mine = (await client.get("/api/v1/budgets", headers=po, params={"year": 2026})).json()
        assert {b["portfolio"] for b in mine["items"]} == {"Web Storefront"}
        assert mine["total"] == 3

    async def test_demo_has_spend_accounts_splits_claims_and_schedules(self, settings, client):
        await load_demo(settings)
        fin = await login(client, "fin@demo.finops")
        periods = (await client.get("/api/v1/billing-periods", headers=fin)).json()
        assert periods
        assert periods[0]["finalized"]
        accounts = (await client.get("/api/v1/accounts", headers=fin)).json()
        assert len(accounts) == 9
        summary = (await client.get("/api/v1/allocation-summary", headers=fin)).json()
        assert sum(len(v) for v in summary.values()) == 8
        assert len((await client.get("/api/v1/claims", headers=fin)).json()) == 5
        statuses = {
            b["product"]: b["schedule_status"]
            for b in (
                await client.get("/api/v1/budgets", headers=fin, params={"year": 2026})
            ).json()["items"]
        }
        assert (statuses["Checkout"], statuses["Catalog Service"], statuses["Search"]) == (
            "approved",
            "pending",
            "rejected",
        )
        # approved, then raised from December: the amount in force left the schedule behind
        assert statuses["iOS App Backend"] == "needs_reschedule"
        pf = await login(client, "portfolio@demo.finops")
        tasks = (await client.get("/api/v1/tasks", headers=pf)).json()
        assert [t["kind"] for t in tasks if t["card_id"] is None] == ["schedule.approve"]

    async def test_demo_has_the_years_spend_cards_in_every_state(self, settings, client):
        await load_demo(settings)
        fin = await login(client, "fin@demo.finops")
        cards = (await client.get("/api/v1/spend-cards", headers=fin)).json()
        checkout = [c for c in cards if c["budget_path"][-1] == "Checkout"]
        assert {c["period_start"][:7] for c in checkout} >= {"2026-01", "2026-02"}
        assert {c["budget_path"][-1] for c in cards} == {"Checkout"}
        decided = {c["status"] for c in checkout} - {"open"}
        assert decided == {"accepted", "approved", "disputed", "rejected", "resolved"}
        pf = await login(client, "portfolio@demo.finops")
        tasks = (await client.get("/api/v1/tasks", headers=pf)).json()
        waiting = {t["status"] for t in tasks if t["card_id"] is not None}
        assert waiting == {"accepted", "disputed", "rejected"}

    async def test_demo_leaves_the_newest_cards_open_for_the_product_owner(self, settings, client):
        # the Product Owner always has cards to accept or dispute, even early in a month
        await load_demo(settings)
        owner = await login(client, "product@demo.finops")
        tasks = (await client.get("/api/v1/tasks", headers=owner)).json()
        cards = [t for t in tasks if t["card_id"] is not None]
        assert len(cards) >= 2
        assert all(t["status"] == "open" and t["actions"] == ["accept", "dispute"] for t in cards)

    async def test_demo_has_credits_used_void_and_expiring_unused(self, settings, client):
        await load_demo(settings)
        await load_demo(settings)  # idempotent: the credits are not recorded twice
        fin = await login(client, "fin@demo.finops")
        credits = (await client.get("/api/v1/credits", headers=fin)).json()
        by_ref = {c["reference"]: c for c in credits}
        assert len(credits) == 5
        assert {c["program"] for c in credits} == {"MAP", "PoC", "Activate", "Other"}
        assert by_ref["SUP-0042"]["status"] == "void"
        assert by_ref["ACT-6120"]["editable"] is True
        detail = (
            await client.get(f"/api/v1/credits/{by_ref['MAP-2026-014']['id']}", headers=fin)
        ).json()
        assert len(detail["ledger"]) >= 2
        # the PoC credit expired mid-March: it covered only the 1st–20th and kept a balance
        poc = (await client.get(f"/api/v1/credits/{by_ref['POC-7731']['id']}", headers=fin)).json()
        assert [e["period"] for e in poc["ledger"]] == ["2026-03"]
        assert Decimal(poc["balance"]) > 0
        forecast = (
            await client.get(
                "/api/v1/credits/forecast", headers=fin, params={"unused_only": "true"}
            )
        ).json()
        assert "ACT-5502" in {f["reference"] for f in forecast}
        owner = await login(client, "product@demo.finops")
        mine = (await client.get("/api/v1/credits", headers=owner)).json()
        assert {c["budget_path"][-1] for c in mine} == {"Checkout"}

    async def test_demo_has_a_closed_month_with_its_files_and_history(self, settings, client):
        await load_demo(settings)
        fin = await login(client, "fin@demo.finops")
        periods = (await client.get("/api/v1/closes", headers=fin)).json()
        closed = [p["period"] for p in periods if p["closed"]]
        assert closed == ["2026-01"]
        body = (await client.get("/api/v1/closes/2026-01", headers=fin)).json()
        assert [e["kind"] for e in body["history"]] == ["close", "reopen", "close"]
        assert [f["name"] for f in body["files"]] == [
            "accounts-payable-2026-01.csv",
            "accruals-2026-01.csv",
        ]
        assert [f["sha256"] for f in body["history"][0]["files"]] == [
            f["sha256"] for f in body["files"]
        ]
        feb = (await client.get("/api/v1/closes/2026-02", headers=fin)).json()
        assert feb["version"] == 1
        assert [m["field"] for m in feb["readiness"]["missing"]] == ["internal_memo"]


class TestDemoRecommendations:
    async def test_the_synthetic_export_is_imported_and_decided_into_every_state(
        self, settings, client
    ):
        await load_demo(settings)
        fin = await login(client, "fin@demo.finops")
        listed = (
            await client.get("/api/v1/recommendations", headers=fin, params={"limit": 1000})
        ).json()
        counts = {t["status"]: t["count"] for t in listed["by_status"]}
        assert all(counts[s] for s in ("new", "approved", "ignored", "implemented", "resolved"))
        assert any(i["in_cur"] and i["budgets"] for i in listed["items"])
        assert any(not i["in_cur"] for i in listed["items"])
        engineer = await login(client, "engineer@demo.finops")
        tasks = (await client.get("/api/v1/tasks", headers=engineer)).json()
        assert [t for t in tasks if t["kind"] == "recommendation.implement"]
        top = (await client.get("/api/v1/recommendations/top", headers=fin)).json()
        assert top["items"]
        assert {i["status"] for i in top["items"]} <= {"new", "approved"}
