"""Governance of schedules over HTTP: an amount change leaves an approved schedule
NeedsReschedule (direct edit and chart import), variance keeps its approved basis during a
reschedule, and notifications reach only users whose scope holds the budget, read as
sentences, link to the budget and are cleared once acted on. Both databases."""

from __future__ import annotations

from datetime import date

from adapters.clock import FixedClock
from tests.api.schedules.test_schedules import act, months, org, put  # noqa: F401

V2_CHART = (
    "BU,Dept,Portfolio,Product,Amount\n"
    "Retail,Digital,Web,Checkout,1500.00\n"
    "Retail,Digital,Web,Search,600.00\n"
    "Corporate,Finance,ERP,Ledger,1200\n"
)


async def approved(client, org, amount="100.00"):  # noqa: F811
    po, pf, budget = org["po"], org["pf"], org["budget"]
    assert (
        await put(client, po, budget, {"months": months(amount), "version": 0})
    ).status_code == 200
    assert (await act(client, po, budget, "submit", 1)).status_code == 200
    r = await act(client, pf, budget, "approve", 2)
    assert r.status_code == 200, r.text
    return r.json()


async def schedule(client, headers, budget):
    r = await client.get(f"/api/v1/budgets/{budget}/schedule", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


async def notes(client, headers, **params):
    r = await client.get("/api/v1/notifications", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()


async def tasks(client, headers):
    r = await client.get("/api/v1/tasks", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


class TestAnAmountChangeNeedsAReschedule:
    async def test_a_direct_edit_flags_the_schedule_tasks_and_tells_the_owner(
        self,
        client,
        org,  # noqa: F811
        container,
    ):
        container.clock = FixedClock.on(date(2026, 11, 20))
        po, pf, fin, budget = org["po"], org["pf"], org["fin"], org["budget"]
        first = await approved(client, org)
        assert (first["status"], first["approved"]["version"]) == ("approved", 3)
        r = await client.patch(
            f"/api/v1/budgets/{budget}",
            headers=fin,
            json={"annual_amount": "1300.00", "effective_from": "2026-12-01"},
        )
        assert r.status_code == 200, r.text
        s = await schedule(client, po, budget)
        assert s["status"] == "needs_reschedule"
        assert (s["annual_amount"], s["scheduled_total"], s["amount_gap"]) == (
            "1300.00",
            "1200.00",
            "100.00",
        )
        assert s["approved"]["version"] == 3  # the basis of variance is kept
        # the owner has a task naming the amounts, and a sentence linking to the budget
        owner_tasks = [t for t in await tasks(client, po) if t["budget_id"] == budget]
        assert [(t["kind"], t["link"]) for t in owner_tasks] == [
            ("schedule.reschedule_needed", f"/budgets/{budget}")
        ]
        assert "1,300.00" in owner_tasks[0]["title"]
        assert "1,200.00" in owner_tasks[0]["title"]
        told = [n for n in await notes(client, po) if n["kind"] == "schedule.needs_reschedule"]
        assert len(told) == 1
        assert told[0]["link"] == f"/budgets/{budget}"
        assert (
            "changed the Checkout annual amount to 1,300.00 from December 2026"
            in (told[0]["message"])
        )
        assert "100.00 short" in told[0]["message"]
        # the Portfolio Owner decides nothing yet: no task
        assert [t for t in await tasks(client, pf) if t["budget_id"] == budget] == []
        # the owner reschedules (edit allowed without asking) and submits: the notice is read
        new = months("100.00", 1)[:11] + [{"month": "2026-12", "amount": "200.00"}]
        r = await put(client, po, budget, {"months": new, "version": s["version"]})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "needs_reschedule"
        r = await act(client, po, budget, "submit", r.json()["version"])
        assert r.status_code == 200, r.text
        assert await notes(client, po, unread=True) == []
        r = await act(client, pf, budget, "approve", r.json()["version"])
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "approved"
        assert r.json()["approved"]["version"] == r.json()["version"]
        assert r.json()["approved"]["total"] == "1300.00"
        assert r.json()["approved"]["approved_by_name"]

    async def test_a_chart_import_from_a_later_month_flags_it_too(
        self,
        client,
        org,  # noqa: F811
    ):
        po, fin, budget = org["po"], org["fin"], org["budget"]
        await approved(client, org)
        r = await client.post(
            "/api/v1/budget-imports",
            headers=fin,
            files={
                "file": (
                    "C_2026_false_2026-10-01_false_Budget_v2.csv",
                    V2_CHART.encode(),
                    "text/csv",
                )
            },
        )
        assert r.status_code == 201, r.text
        s = await schedule(client, po, budget)
        assert (s["status"], s["annual_amount"], s["amount_gap"]) == (
            "needs_reschedule",
            "1500.00",
            "300.00",
        )
        told = [n for n in await notes(client, po) if n["kind"] == "schedule.needs_reschedule"]
        assert "to 1,500.00 from October 2026" in told[0]["message"]
        # the budget list shows the state too (the badge of the budgets page)
        listed = (await client.get("/api/v1/budgets", headers=po, params={"year": 2026})).json()
        rows = listed["items"] if isinstance(listed, dict) else listed
        assert next(b for b in rows if b["id"] == budget)["schedule_status"] == "needs_reschedule"

    async def test_an_unapproved_draft_is_not_flagged_and_submit_still_checks_the_sum(
        self,
        client,
        org,  # noqa: F811
    ):
        po, fin, budget = org["po"], org["fin"], org["budget"]
        await put(client, po, budget, {"months": months(), "version": 0})
        r = await client.patch(
            f"/api/v1/budgets/{budget}",
            headers=fin,
            json={"annual_amount": "1300.00", "effective_from": "2026-12-01"},
        )
        assert r.status_code == 200, r.text
        assert (await schedule(client, po, budget))["status"] == "draft"
        assert [
            n for n in await notes(client, po) if n["kind"] == "schedule.needs_reschedule"
        ] == []

    async def test_changing_the_amount_back_restores_the_approval(
        self,
        client,
        org,  # noqa: F811
    ):
        po, fin, budget = org["po"], org["fin"], org["budget"]
        await approved(client, org)
        for amount in ("1300.00", "1200.00"):
            r = await client.patch(
                f"/api/v1/budgets/{budget}",
                headers=fin,
                json={"annual_amount": amount, "effective_from": "2026-12-01"},
            )
            assert r.status_code == 200, r.text
        assert (await schedule(client, po, budget))["status"] == "approved"
        assert await notes(client, po, unread=True) == []


class TestVarianceKeepsTheApprovedBasis:
    async def test_during_a_reschedule_the_basis_is_the_last_approval(
        self,
        client,
        org,  # noqa: F811
    ):
        po, pf, budget = org["po"], org["pf"], org["budget"]
        first = await approved(client, org)
        r = await client.get(f"/api/v1/budgets/{budget}/variance", headers=po)
        assert r.status_code == 200, r.text
        assert r.json()["basis"]["version"] == first["version"]
        r = await act(client, po, budget, "request-reschedule", first["version"], "new launch")
        r = await act(client, pf, budget, "grant-reschedule", r.json()["version"])
        assert r.json()["status"] == "draft"
        edited = months("50.00", 1)[:6] + months("150.00", 7)
        assert (
            await put(client, po, budget, {"months": edited, "version": r.json()["version"]})
        ).status_code == 200
        v = (await client.get(f"/api/v1/budgets/{budget}/variance", headers=po)).json()
        assert v["status"] == "draft"
        assert v["basis"]["version"] == first["version"]
        assert v["basis"]["approved_by_name"]
        assert {m["scheduled"] for m in v["months"]} == {"100.00"}  # not the draft's 50/150

    async def test_never_approved_has_no_basis(self, client, org):  # noqa: F811
        r = await client.get(f"/api/v1/budgets/{org['budget']}/variance", headers=org["po"])
        assert r.status_code == 200, r.text
        assert r.json()["basis"] is None
        assert all(m["variance"] is None for m in r.json()["months"])

    async def test_out_of_scope_is_404(self, client, org):  # noqa: F811
        r = await client.get(f"/api/v1/budgets/{org['ledger']}/variance", headers=org["po"])
        assert r.status_code == 404


class TestNotificationsStayInScope:
    async def test_a_former_owner_no_longer_hears_about_the_budget(
        self,
        client,
        org,  # noqa: F811
    ):
        po, pf, admin, budget = org["po"], org["pf"], org["admin"], org["budget"]
        assert (
            await put(client, po, budget, {"months": months(), "version": 0})
        ).status_code == 200
        assert (await act(client, po, budget, "submit", 1)).status_code == 200
        # the submitter moves to Search only; the rejection of Checkout is not for them
        tree = (await client.get("/api/v1/hierarchy", headers=admin, params={"year": 2026})).json()
        web = tree["nodes"][1]["children"][0]["children"][0]
        search = next(c for c in web["children"] if c["name"] == "Search")
        r = await client.put(
            f"/api/v1/users/{org['po_user'].id}/scope",
            headers=admin,
            json={"node_ids": [search["id"]]},
        )
        assert r.status_code == 200, r.text
        r = await act(client, pf, budget, "reject", 2, reason="Q4 too high")
        assert r.status_code == 200, r.text
        assert await notes(client, po) == []

    async def test_only_deciders_in_scope_hear_and_deciding_clears_every_copy(
        self,
        client,
        org,  # noqa: F811
    ):
        po, pf, pf2, other_pf, budget = (
            org["po"],
            org["pf"],
            org["pf2"],
            org["other_pf"],
            org["budget"],
        )
        await put(client, po, budget, {"months": months(), "version": 0})
        await act(client, po, budget, "submit", 1)
        for headers in (pf, pf2):
            told = await notes(client, headers, unread=True)
            assert [(n["kind"], n["link"]) for n in told] == [
                ("schedule.submit", f"/budgets/{budget}")
            ]
            assert "submitted the Checkout schedule, version 2" in told[0]["message"]
        assert await notes(client, other_pf) == []
        r = await act(client, pf, budget, "approve", 2)
        assert r.status_code == 200, r.text
        # the decision is made: the request is read for both deciders
        assert await notes(client, pf, unread=True) == []
        assert await notes(client, pf2, unread=True) == []
        assert (await notes(client, pf2))[0]["read_at"] is not None
        approval = await notes(client, po, unread=True)
        assert [n["kind"] for n in approval] == ["schedule.approve"]
        assert approval[0]["message"].endswith("approved the Checkout schedule, version 3")

    async def test_a_ledger_submission_reaches_its_portfolio_owner_only(
        self,
        client,
        org,  # noqa: F811
    ):
        fin, budget = org["fin"], org["ledger"]
        await put(client, fin, budget, {"months": months(), "version": 0})
        r = await act(client, fin, budget, "submit", 1)
        assert r.status_code == 200, r.text
        # the ERP Portfolio Owner decides it; the Checkout people hear nothing of the Ledger
        assert [n["kind"] for n in await notes(client, org["other_pf"])] == ["schedule.submit"]
        for key in ("po", "pf", "pf2", "bu"):
            assert await notes(client, org[key]) == []
