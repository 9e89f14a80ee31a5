"""Spend cards end to end: generation on a pinned clock, the decisions over HTTP by role,
the tasks inbox and the scoped lists."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import pytest

from api.jobs import generate_spend_cards
from tests.api.spend.test_spend_api import signed
from tests.api.spend_cards.conftest import SECRET, write_cur


async def run_on(container, day):
    container.clock.advance_to(day)
    return await generate_spend_cards(container)


async def cards(client, headers, **params):
    r = await client.get("/api/v1/spend-cards", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def ends(listed):
    return sorted(c["period_end"] for c in listed)


async def act(client, headers, card, action, comment=None, version=None):
    body = {"version": card["version"] if version is None else version}
    if comment:
        body["comment"] = comment
    return await client.post(
        f"/api/v1/spend-cards/{card['id']}/{action}", headers=headers, json=body
    )


class TestGeneration:
    async def test_a_month_with_five_mondays_gets_a_card_each_monday(self, client, container, org):
        for monday in (date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)):
            await run_on(container, monday)
        november = await cards(client, org["fin"], period="2026-11")
        assert ends(november) == ["2026-11-07", "2026-11-14"]
        await run_on(container, date(2026, 11, 23))
        result = await run_on(container, date(2026, 11, 30))
        assert result.created == 1
        november = await cards(client, org["fin"], period="2026-11")
        # the fifth Monday creates 22–28; the last period (29–30) waits for November's invoice
        assert ends(november) == ["2026-11-07", "2026-11-14", "2026-11-21", "2026-11-28"]
        # October (final) has all five of its cards, the last one included
        october = await cards(client, org["fin"], period="2026-10")
        assert ends(october) == [
            "2026-10-03",
            "2026-10-10",
            "2026-10-17",
            "2026-10-24",
            "2026-10-31",
        ]
        # only the budget with an approved schedule has cards
        assert {c["budget_id"] for c in november + october} == {org["budget"]}

    async def test_figures_follow_the_allocated_spend_and_the_daily_budget(
        self, client, container, org
    ):
        await run_on(container, date(2026, 10, 12))
        listed = await cards(client, org["fin"], period="2026-10")
        week = next(c for c in listed if c["period_end"] == "2026-10-10")
        # 100.00 a month: 100 × 7 / 31 = 22.58
        assert week["figures"]["budget"] == "22.58"
        # every account is split to Checkout: the day totals are its spend
        spend = await client.get(
            "/api/v1/spend", headers=org["fin"], params={"period": "2026-10", "group_by": "day"}
        )
        assert spend.status_code == 200, spend.text
        expected = sum(
            (
                Decimal(r["amount"])
                for r in spend.json()["rows"]
                if r["day"] and "2026-10-04" <= r["day"] <= "2026-10-10"
            ),
            Decimal(0),
        )
        assert Decimal(week["figures"]["actual"]) == expected.quantize(Decimal("0.01"))
        assert Decimal(week["figures"]["actual"]) > 0
        detail = (await client.get(f"/api/v1/spend-cards/{week['id']}", headers=org["po"])).json()
        assert detail["why"]["against_budget"], detail["why"]
        assert {m["kind"] for m in detail["why"]["against_budget"]} == {"service", "resource"}

    async def test_a_month_starting_on_a_monday(self, client, container, org):
        # March 2027 would be another year; 1 February 2027 is a Monday but the budgets are of
        # 2026, so check the rule on 2026's own: 1 June 2026 is a Monday.
        await run_on(container, date(2026, 11, 2))
        listed = await cards(client, org["fin"], period="2026-10")
        first = min(listed, key=lambda c: c["period_end"])
        # October 2026 starts on a Thursday: its first period is 1–3 (three days)
        assert (first["period_start"], first["period_end"]) == ("2026-10-01", "2026-10-03")
        assert first["figures"]["budget"] == "9.68"  # 100 × 3 / 31

    async def test_a_budget_approved_mid_month_starts_with_the_period_of_the_approval(
        self, client, container, org
    ):
        from domain.identity.roles import Role
        from tests.api.orgs import mapped
        from tests.api.spend_cards.conftest import approve_schedule

        tree = (
            await client.get("/api/v1/hierarchy", headers=org["fin"], params={"year": 2026})
        ).json()
        erp = next(n for n in tree["nodes"] if n["name"] == "Corporate")["children"][0]["children"][
            0
        ]
        _, po = await mapped(
            client, container, org["admin"], Role.PRODUCT_OWNER, erp["children"][0]["id"]
        )
        container.clock.advance_to(date(2026, 10, 14))
        await approve_schedule(client, {"po": po, "pf": org["other_pf"]}, org["ledger"])
        await run_on(container, date(2026, 10, 26))
        ledger = await cards(client, org["fin"], budget_id=org["ledger"])
        assert ends(ledger) == ["2026-10-17", "2026-10-24"]
        # a late run gives the same cards
        await run_on(container, date(2026, 11, 2))
        ledger = await cards(client, org["fin"], budget_id=org["ledger"], period="2026-10")
        assert ends(ledger) == ["2026-10-17", "2026-10-24", "2026-10-31"]

    async def test_finalization_after_the_last_monday_creates_the_last_card(
        self, client, container, org, settings
    ):
        await run_on(container, date(2026, 12, 7))
        november = await cards(client, org["fin"], period="2026-11")
        assert "2026-11-30" not in ends(november)
        # November's invoice arrives: the CUR webhook's refresh runs generation
        write_cur(org["cur"], final_months=2)
        raw, headers = signed({"event_id": "final-nov", "billing_period": "2026-11"})
        r = await client.post("/api/v1/webhooks/cur", content=raw, headers=headers)
        assert r.status_code == 202, r.text
        await container.idle()
        november = await cards(client, org["fin"], period="2026-11")
        assert ends(november)[-1] == "2026-11-30"
        assert SECRET == settings.webhook_secret

    async def test_finalization_before_the_last_monday(self, client, container, org):
        # October is final already; its last period (25–31) ends on a Saturday: created on the
        # first run after the month is over, not on the Monday of its week
        await run_on(container, date(2026, 10, 31))
        assert "2026-10-31" not in ends(await cards(client, org["fin"], period="2026-10"))
        await run_on(container, date(2026, 11, 1))
        assert "2026-10-31" in ends(await cards(client, org["fin"], period="2026-10"))

    async def test_a_redelivered_cur_refreshes_open_cards_and_never_decided_ones(
        self, client, container, org
    ):
        await run_on(container, date(2026, 11, 2))
        listed = await cards(client, org["fin"], period="2026-10")
        decided = next(c for c in listed if c["period_end"] == "2026-10-03")
        open_card = next(c for c in listed if c["period_end"] == "2026-10-10")
        assert (await act(client, org["po"], decided, "accept")).status_code == 200
        again = await run_on(container, date(2026, 11, 2))
        assert (again.created, again.refreshed, again.noted) == (0, 0, 0)
        # a different delivery of the same months: new figures
        from adapters.cur.generator import generate_cur

        generate_cur(
            org["cur"],
            rows=3_500,
            accounts=2,
            resources=24,
            months=2,
            start="2026-10",
            final_months=1,
            seed=8,
        )
        assert (await client.post("/api/v1/cur/refresh", headers=org["fin"])).status_code == 200
        result = await run_on(container, date(2026, 11, 2))
        assert result.refreshed >= 1
        after = {c["id"]: c for c in await cards(client, org["fin"], period="2026-10")}
        assert after[decided["id"]]["status"] == "accepted"
        assert after[decided["id"]]["figures"] == decided["figures"]
        assert after[decided["id"]]["version"] == 2
        assert after[open_card["id"]]["version"] == open_card["version"] + 1
        if after[decided["id"]]["notes"]:
            assert "Late CUR correction" in after[decided["id"]]["notes"][0]

    async def test_two_concurrent_runs_create_one_card_per_budget_and_period(
        self, client, container, org
    ):
        container.clock.advance_to(date(2026, 11, 16))
        results = await asyncio.gather(
            generate_spend_cards(container), generate_spend_cards(container)
        )
        assert sorted(r.created for r in results) == [0, 7]
        listed = await cards(client, org["fin"])
        assert len(listed) == len({(c["budget_id"], c["period_end"]) for c in listed}) == 7


@pytest.fixture
async def open_card(client, container, org):
    await run_on(container, date(2026, 11, 2))
    listed = await cards(client, org["po"], period="2026-10")
    return next(c for c in listed if c["period_end"] == "2026-10-24")


class TestDecisions:
    async def test_accept_then_approve_with_tasks_and_notifications(self, client, org, open_card):
        po, pf, bu = org["po"], org["pf"], org["bu"]
        tasks = (await client.get("/api/v1/tasks", headers=po)).json()
        card_tasks = [t for t in tasks if t["kind"] == "spend_card.owner"]
        assert open_card["id"] in {t["card_id"] for t in card_tasks}
        assert not [
            t for t in (await client.get("/api/v1/tasks", headers=pf)).json() if t.get("card_id")
        ]
        # management sees who owns the pending action
        seen = next(c for c in await cards(client, bu) if c["id"] == open_card["id"])
        assert [p["id"] for p in seen["pending_with"]] == [org["po_user"].id]
        assert seen["actions"] == []
        # the Portfolio Owner has no action while the card is Open
        r = await act(client, pf, open_card, "approve")
        assert r.status_code == 409, r.text
        r = await act(client, po, open_card, "accept")
        assert r.status_code == 200, r.text
        assert (r.json()["status"], r.json()["version"]) == ("accepted", 2)
        assert r.headers["ETag"] == '"spend-card-v2"'
        notes = (await client.get("/api/v1/notifications", headers=pf)).json()
        assert any(n["kind"] == "spend_card.accept" for n in notes)
        tasks = (await client.get("/api/v1/tasks", headers=pf)).json()
        assert [t["actions"] for t in tasks if t.get("card_id") == open_card["id"]] == [
            ["approve", "reject"]
        ]
        # stale version
        r = await act(client, pf, open_card, "approve", version=1)
        assert r.status_code == 409
        # If-Match instead of the body version
        r = await client.post(
            f"/api/v1/spend-cards/{open_card['id']}/approve",
            headers={**pf, "If-Match": '"spend-card-v2"'},
            json={},
        )
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "approved"
        assert r.json()["pending_with"] == []
        audit = (
            await client.get(
                "/api/v1/audit", headers=org["admin"], params={"entity_id": str(open_card["id"])}
            )
        ).json()
        actions = {e["action"] for e in (audit["items"] if isinstance(audit, dict) else audit)}
        assert {"spend_card.accept", "spend_card.approve"} <= actions

    async def test_dispute_needs_a_comment_then_resolve(self, client, org, open_card):
        r = await act(client, org["po"], open_card, "dispute")
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "comment"
        r = await act(client, org["po"], open_card, "dispute", "a test account was misallocated")
        assert r.json()["status"] == "disputed"
        r = await act(client, org["po"], r.json(), "resolve", "done")
        assert r.status_code == 403
        card = (
            await client.get(f"/api/v1/spend-cards/{open_card['id']}", headers=org["pf"])
        ).json()
        r = await act(client, org["pf"], card, "resolve", "reallocated from November")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "resolved"
        assert [d["action"] for d in r.json()["decisions"]] == ["dispute", "resolve"]

    async def test_reject_then_resolve(self, client, org, open_card):
        card = (await act(client, org["po"], open_card, "accept")).json()
        r = await act(client, org["pf"], card, "reject")
        assert r.status_code == 422
        card = (await act(client, org["pf"], card, "reject", "explain the spike")).json()
        assert card["status"] == "rejected"
        po_notes = (await client.get("/api/v1/notifications", headers=org["po"])).json()
        assert "explain the spike" in po_notes[0]["message"]
        assert (await act(client, org["pf"], card, "approve")).status_code == 409
        r = await act(client, org["pf"], card, "resolve", "spike explained")
        assert r.json()["status"] == "resolved"

    @pytest.mark.parametrize(
        ("who", "action", "status"),
        [
            ("pf", "accept", 403),
            ("pf", "dispute", 403),
            ("fin", "accept", 403),
            ("bu", "accept", 403),
            ("po", "approve", 403),
            ("po", "reject", 403),
            ("other_pf", "accept", 404),
        ],
    )
    async def test_refused_by_role(self, client, org, open_card, who, action, status):
        r = await act(client, org[who], open_card, action, "why")
        assert r.status_code == status, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        card = await client.get(f"/api/v1/spend-cards/{open_card['id']}", headers=org["fin"])
        assert card.json()["status"] == "open"

    async def test_an_unknown_action_and_a_card_out_of_scope(self, client, org, open_card):
        r = await act(client, org["po"], open_card, "close")
        assert r.status_code == 422
        r = await client.get(f"/api/v1/spend-cards/{open_card['id']}", headers=org["other_pf"])
        assert r.status_code == 404
        assert await cards(client, org["other_pf"]) == []

    async def test_cards_older_than_last_month_are_not_actionable(
        self, client, container, org, open_card
    ):
        container.clock.advance_to(date(2026, 12, 1))
        r = await act(client, org["po"], open_card, "accept")
        assert r.status_code == 409
        assert r.json()["errors"][0]["field"] == "period_end"
        # it waits on nobody any more, whoever reads it
        for reader in (org["po"], org["fin"]):
            seen = (
                await client.get(f"/api/v1/spend-cards/{open_card['id']}", headers=reader)
            ).json()
            assert (seen["status"], seen["pending_side"], seen["pending_with"]) == (
                "open",
                None,
                [],
            )
