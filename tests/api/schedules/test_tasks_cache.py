"""The tasks inbox's kept answers (`GET /tasks`, `api.answer_cache`): kept per caller, computed
again after each kind of write that changes an inbox (a schedule saved, submitted, rejected or
approved, a spend card generated or answered, a user deactivated) and when the day turns;
never shared between users, even of one role and scope; the same as computed afresh."""

from __future__ import annotations

from datetime import date

from domain.identity.roles import Role
from tests.api.schedules.test_schedules import act, months, put
from tests.api.schedules.test_schedules import org as schedule_org  # noqa: F401 (fixture)
from tests.api.spend_cards.conftest import org as card_org  # noqa: F401 (fixture)
from tests.api.spend_cards.test_spend_cards import act as card_act
from tests.api.spend_cards.test_spend_cards import cards, run_on
from tests.factories import auth_headers


async def tasks(client, headers):
    r = await client.get("/api/v1/tasks", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def kinds(listed):
    return [(t["kind"], t["budget_id"]) for t in listed]


class TestScheduleTasks:
    async def test_each_step_of_the_flow_is_seen_by_the_next_read(
        self,
        client,
        container,
        schedule_org,  # noqa: F811
    ):
        org = schedule_org
        po, pf, budget = org["po"], org["pf"], org["budget"]
        assert await tasks(client, pf) == []
        hits = container.answers.hits
        assert await tasks(client, pf) == []  # kept
        assert container.answers.hits == hits + 1
        assert await tasks(client, po) == []
        r = await put(client, po, budget, {"months": months(), "version": 0})
        assert r.status_code == 200, r.text
        assert kinds(await tasks(client, po)) == [("schedule.submit", budget)]
        await tasks(client, pf)
        assert (await act(client, po, budget, "submit", 1)).status_code == 200
        pending = await tasks(client, pf)
        assert kinds(pending) == [("schedule.approve", budget)]
        assert await tasks(client, pf) == pending  # kept
        container.answers.clear()
        assert await tasks(client, pf) == pending  # computed afresh: the same
        assert await tasks(client, po) == []
        r = await act(client, pf, budget, "reject", 2, reason="too high")
        assert r.status_code == 200, r.text
        assert await tasks(client, pf) == []
        fix = await tasks(client, po)
        assert kinds(fix) == [("schedule.submit", budget)]
        assert (fix[0]["status"], fix[0]["reason"]) == ("rejected", "too high")
        await put(client, po, budget, {"months": months(), "version": 3})
        await act(client, po, budget, "submit", 4)
        assert kinds(await tasks(client, pf)) == [("schedule.approve", budget)]
        assert (await act(client, pf, budget, "approve", 5)).status_code == 200
        assert await tasks(client, pf) == []
        assert await tasks(client, po) == []

    async def test_users_of_one_role_and_scope_never_share_an_answer(
        self,
        client,
        container,
        schedule_org,  # noqa: F811
    ):
        org = schedule_org
        po, pf, pf2, other_pf = org["po"], org["pf"], org["pf2"], org["other_pf"]
        await put(client, po, org["budget"], {"months": months(), "version": 0})
        await act(client, po, org["budget"], "submit", 1)
        mine = await tasks(client, pf)
        misses = container.answers.misses
        # the same role and scope, another user: computed for them, not served pf's
        assert await tasks(client, pf2) == mine
        assert container.answers.misses == misses + 1
        assert await tasks(client, other_pf) == []
        assert kinds(await tasks(client, pf)) == [("schedule.approve", org["budget"])]

    async def test_a_cloud_engineers_inbox_is_computed_each_time(self, client, container):
        ce = await auth_headers(client, container, role=Role.CLOUD_ENGINEER)
        assert await tasks(client, ce) == []
        hits = container.answers.hits
        assert await tasks(client, ce) == []
        assert container.answers.hits == hits

    async def test_a_csv_download_is_computed_and_not_kept(
        self,
        client,
        container,
        schedule_org,  # noqa: F811
    ):
        org = schedule_org
        await put(client, org["po"], org["budget"], {"months": months(), "version": 0})
        await tasks(client, org["po"])
        hits = container.answers.hits
        r = await client.get("/api/v1/tasks", headers=org["po"], params={"format": "csv"})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/csv")
        assert len(r.text.strip().splitlines()) == 2
        assert container.answers.hits == hits


def card_ids(listed):
    return {t["card_id"] for t in listed if t.get("card_id")}


class TestSpendCardTasks:
    async def test_generation_answers_deactivation_and_the_day_are_seen(
        self,
        client,
        container,
        card_org,  # noqa: F811
    ):
        po, pf, fin = card_org["po"], card_org["pf"], card_org["fin"]
        before = card_ids(await tasks(client, po))
        await tasks(client, po)  # kept
        await run_on(container, date(2026, 11, 2))  # the generation job writes the cards
        card = next(
            c for c in await cards(client, po, period="2026-10") if c["period_end"] == "2026-10-24"
        )
        assert card["id"] in card_ids(await tasks(client, po)) - before
        assert card["id"] not in card_ids(await tasks(client, pf))
        r = await card_act(client, po, card, "accept")
        assert r.status_code == 200, r.text
        assert card["id"] not in card_ids(await tasks(client, po))
        assert card["id"] in card_ids(await tasks(client, pf))
        assert card["id"] not in card_ids(await tasks(client, fin))
        # the only Portfolio Owner above leaves: the decision goes up to the Financial Admins
        r = await client.patch(
            f"/api/v1/users/{card_org['pf_user'].id}",
            headers=card_org["admin"],
            json={"is_active": False},
        )
        assert r.status_code == 200, r.text
        assert card["id"] in card_ids(await tasks(client, fin))
        # no write, but the day turns: October's cards may no longer be decided in December
        container.clock.advance_to(date(2026, 12, 1))
        assert card["id"] not in card_ids(await tasks(client, fin))
