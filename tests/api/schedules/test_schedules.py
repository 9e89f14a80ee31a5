from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import insert

from adapters.db.models import ClosedPeriodRow
from domain.identity.roles import Role
from tests.api.orgs import CHART, mapped
from tests.factories import auth_headers


@pytest.fixture
async def org(client, container):
    admin = await auth_headers(client, container, role=Role.ADMIN)
    fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
    r = await client.post(
        "/api/v1/budget-imports",
        headers=fin,
        files={"file": ("C_2026_true_2026-01-01_false_Budget_v1.csv", CHART.encode(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    tree = (await client.get("/api/v1/hierarchy", headers=fin, params={"year": 2026})).json()
    retail = tree["nodes"][1]
    web = retail["children"][0]["children"][0]
    checkout = next(c for c in web["children"] if c["name"] == "Checkout")
    erp = tree["nodes"][0]["children"][0]["children"][0]
    po_user, po = await mapped(client, container, admin, Role.PRODUCT_OWNER, checkout["id"])
    pf_user, pf = await mapped(client, container, admin, Role.PORTFOLIO_OWNER, web["id"])
    _, pf2 = await mapped(client, container, admin, Role.PORTFOLIO_OWNER, web["id"])
    _, other_pf = await mapped(client, container, admin, Role.PORTFOLIO_OWNER, erp["id"])
    _, bu = await mapped(client, container, admin, Role.BUSINESS_UNIT_OWNER, retail["id"])
    return {
        "admin": admin,
        "fin": fin,
        "po": po,
        "pf": pf,
        "pf2": pf2,
        "other_pf": other_pf,
        "bu": bu,
        "po_user": po_user,
        "pf_user": pf_user,
        "budget": checkout["budget_id"],
        "ledger": erp["children"][0]["budget_id"],
    }


def months(amount="100.00", start=1):
    return [{"month": f"2026-{m:02d}", "amount": amount} for m in range(start, 13)]


async def put(client, headers, budget, body, *, if_match=None):
    if if_match:
        headers = {**headers, "If-Match": if_match}
    return await client.put(f"/api/v1/budgets/{budget}/schedule", headers=headers, json=body)


async def act(client, headers, budget, action, version, reason=None):
    body = {"version": version, **({"reason": reason} if reason else {})}
    return await client.post(
        f"/api/v1/budgets/{budget}/schedule/{action}", headers=headers, json=body
    )


class TestTheWholeFlow:
    async def test_schedule_reject_fix_approve_reschedule_grant_edit_approve(self, client, org):
        po, pf, budget = org["po"], org["pf"], org["budget"]
        s = (await client.get(f"/api/v1/budgets/{budget}/schedule", headers=po)).json()
        assert (s["status"], s["version"], len(s["months"])) == ("none", 0, 12)
        spread = (
            await client.post(
                f"/api/v1/budgets/{budget}/schedule/spread", headers=po, json={"method": "even"}
            )
        ).json()["months"]
        r = await put(client, po, budget, {"months": spread, "version": 0})
        assert r.status_code == 200, r.text
        assert (r.json()["status"], r.json()["version"]) == ("draft", 1)
        assert r.headers["ETag"] == '"schedule-v1"'
        r = await act(client, po, budget, "submit", 1)
        assert r.json()["status"] == "pending"
        tasks = (await client.get("/api/v1/tasks", headers=pf)).json()
        assert [(t["kind"], t["budget_id"]) for t in tasks] == [("schedule.approve", budget)]
        note = (await client.get("/api/v1/notifications", headers=pf)).json()
        assert "submitted" in note[0]["message"]
        r = await act(client, pf, budget, "reject", 2, reason="Q4 too high")
        assert (r.json()["status"], r.json()["reason"]) == ("rejected", "Q4 too high")
        po_notes = (await client.get("/api/v1/notifications", headers=po)).json()
        assert "Q4 too high" in po_notes[0]["message"]
        assert [t["kind"] for t in (await client.get("/api/v1/tasks", headers=po)).json()] == [
            "schedule.submit"
        ]
        r = await put(client, po, budget, {"months": months(), "version": 3})
        assert r.status_code == 200, r.text
        r = await act(client, po, budget, "submit", 4)
        r = await act(client, pf, budget, "approve", 5)
        assert r.json()["status"] == "approved"
        listed = (await client.get("/api/v1/budgets", headers=po)).json()["items"]
        assert listed[0]["schedule_status"] == "approved"
        assert (
            await put(client, po, budget, {"months": months(), "version": 6})
        ).status_code == 409
        r = await act(client, po, budget, "request-reschedule", 6, reason="new launch")
        assert r.json()["status"] == "reschedule_requested"
        r = await act(client, pf, budget, "grant-reschedule", 7)
        assert r.json()["status"] == "draft"
        new = months("50.00", 1)[:6] + months("150.00", 7)
        r = await put(client, po, budget, {"months": new, "version": 8})
        assert r.status_code == 200, r.text
        await act(client, po, budget, "submit", 9)
        r = await act(client, pf, budget, "approve", 10)
        assert (r.json()["status"], r.json()["version"]) == ("approved", 11)
        assert r.json()["months"][6]["amount"] == "150.00"

    async def test_decline_keeps_it_approved(self, client, org):
        po, pf, budget = org["po"], org["pf"], org["budget"]
        await put(client, po, budget, {"months": months(), "version": 0})
        await act(client, po, budget, "submit", 1)
        await act(client, pf, budget, "approve", 2)
        await act(client, po, budget, "request-reschedule", 3, reason="x")
        r = await act(client, pf, budget, "decline-reschedule", 4)
        assert r.json()["status"] == "approved"


class TestWhoMayDoWhat:
    async def test_roles(self, client, org):
        po, pf, bu, other, budget = org["po"], org["pf"], org["bu"], org["other_pf"], org["budget"]
        assert (
            await put(client, pf, budget, {"months": months(), "version": 0})
        ).status_code == 403
        assert (
            await put(client, bu, budget, {"months": months(), "version": 0})
        ).status_code == 403
        assert (
            await put(client, other, budget, {"months": months(), "version": 0})
        ).status_code == 404
        await put(client, po, budget, {"months": months(), "version": 0})
        assert (await act(client, pf, budget, "submit", 1)).status_code == 403
        assert (await act(client, po, budget, "submit", 1)).status_code == 200
        assert (await act(client, po, budget, "approve", 2)).status_code == 403
        assert (await act(client, bu, budget, "approve", 2)).status_code == 403
        assert (await act(client, other, budget, "approve", 2)).status_code == 404
        assert (await act(client, org["fin"], budget, "approve", 2)).status_code == 200

    async def test_a_financial_admin_cannot_approve_what_they_submitted(self, client, org):
        fin, budget = org["fin"], org["ledger"]
        assert (
            await put(client, fin, budget, {"months": months(), "version": 0})
        ).status_code == 200
        assert (await act(client, fin, budget, "submit", 1)).status_code == 200
        r = await act(client, fin, budget, "approve", 2)
        assert r.status_code == 403
        s = (await client.get(f"/api/v1/budgets/{budget}/schedule", headers=fin)).json()
        assert s["status"] == "pending"

    async def test_an_admin_neither_edits_nor_submits_but_decides(self, client, org):
        admin, fin, budget = org["admin"], org["fin"], org["ledger"]
        assert (
            await put(client, admin, budget, {"months": months(), "version": 0})
        ).status_code == 403
        assert (
            await put(client, fin, budget, {"months": months(), "version": 0})
        ).status_code == 200
        assert (await act(client, admin, budget, "submit", 1)).status_code == 403
        assert (await act(client, fin, budget, "submit", 1)).status_code == 200
        assert (await act(client, admin, budget, "approve", 2)).status_code == 200

    async def test_a_role_that_may_not_decide_gets_403_even_with_a_stale_version(self, client, org):
        po, budget = org["po"], org["budget"]
        await put(client, po, budget, {"months": months(), "version": 0})
        await act(client, po, budget, "submit", 1)
        assert (await act(client, po, budget, "approve", 1)).status_code == 403
        assert (await act(client, org["bu"], budget, "reject", 0, reason="no")).status_code == 403
        assert (await act(client, org["pf"], budget, "submit", 0)).status_code == 403

    async def test_illegal_transition_is_409_with_the_state(self, client, org):
        po, pf, budget = org["po"], org["pf"], org["budget"]
        await put(client, po, budget, {"months": months(), "version": 0})
        r = await act(client, pf, budget, "approve", 1)
        assert r.status_code == 409
        assert "draft" in r.json()["detail"]
        assert (
            await act(client, po, budget, "request-reschedule", 1, reason="x")
        ).status_code == 409
        assert (await act(client, po, budget, "reject", 1)).status_code == 403

    async def test_reject_needs_a_reason(self, client, org):
        po, pf, budget = org["po"], org["pf"], org["budget"]
        await put(client, po, budget, {"months": months(), "version": 0})
        await act(client, po, budget, "submit", 1)
        r = await act(client, pf, budget, "reject", 2)
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "reason"


class TestVersions:
    async def test_stale_versions_and_if_match(self, client, org):
        po, budget = org["po"], org["budget"]
        await put(client, po, budget, {"months": months(), "version": 0})
        r = await put(client, po, budget, {"months": months()}, if_match='"schedule-v0"')
        assert r.status_code == 409
        r = await put(client, po, budget, {"months": months()}, if_match='"schedule-v1"')
        assert r.status_code == 200
        assert r.headers["ETag"] == '"schedule-v2"'
        assert (await act(client, po, budget, "submit", 1)).status_code == 409
        r = await put(client, po, budget, {"months": months()})
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "version"

    async def test_two_portfolio_owners_deciding_at_once_exactly_one_wins(self, client, org):
        po, budget = org["po"], org["budget"]
        await put(client, po, budget, {"months": months(), "version": 0})
        await act(client, po, budget, "submit", 1)
        results = await asyncio.gather(
            act(client, org["pf"], budget, "approve", 2),
            act(client, org["pf2"], budget, "reject", 2, reason="no"),
        )
        codes = sorted(r.status_code for r in results)
        assert codes == [200, 409]
        events = (
            await client.get(
                "/api/v1/audit",
                headers=org["admin"],
                params={"entity_type": "schedule", "entity_id": str(budget)},
            )
        ).json()["items"]
        decisions = [
            e["action"] for e in events if e["action"] in ("schedule.approve", "schedule.reject")
        ]
        assert len(decisions) == 1


class TestAmounts:
    async def test_off_by_a_cent_is_422_and_changes_nothing(self, client, org):
        po, budget = org["po"], org["budget"]
        bad = months()
        bad[-1]["amount"] = "99.99"
        r = await put(client, po, budget, {"months": bad, "version": 0})
        assert r.status_code == 422
        assert "off by -0.01" in r.text
        s = (await client.get(f"/api/v1/budgets/{budget}/schedule", headers=po)).json()
        assert (s["status"], s["version"]) == ("none", 0)

    async def test_mid_year_amount_change_needs_a_new_schedule(self, client, org):
        po, pf, fin, budget = org["po"], org["pf"], org["fin"], org["budget"]
        await put(client, po, budget, {"months": months(), "version": 0})
        r = await client.patch(
            f"/api/v1/budgets/{budget}",
            headers=fin,
            json={"annual_amount": "1800", "effective_from": "2026-07-01"},
        )
        assert r.status_code == 200
        r = await act(client, po, budget, "submit", 1)
        assert r.status_code == 422
        assert "1800" in r.text
        new = months("100.00")[:6] + months("200.00", 7)
        assert (await put(client, po, budget, {"months": new, "version": 1})).status_code == 200
        assert (await act(client, po, budget, "submit", 2)).status_code == 200
        assert (await act(client, pf, budget, "approve", 3)).status_code == 200

    async def test_closed_months_are_locked(self, client, org, container):
        po, pf, budget = org["po"], org["pf"], org["budget"]
        await put(client, po, budget, {"months": months(), "version": 0})
        await act(client, po, budget, "submit", 1)
        await act(client, pf, budget, "approve", 2)
        async with container.sessionmaker() as session:
            await session.execute(
                insert(ClosedPeriodRow),
                [{"period": f"2026-{m:02d}", "closed_by": "t"} for m in (1, 2, 3)],
            )
            await session.commit()
        await act(client, po, budget, "request-reschedule", 3, reason="shift")
        await act(client, pf, budget, "grant-reschedule", 4)
        r = await put(
            client,
            po,
            budget,
            {"months": months("0.00", 1)[:3] + months("100.00", 4), "version": 5},
        )
        assert r.status_code == 422
        assert "closed" in r.text
        spread = (
            await client.post(
                f"/api/v1/budgets/{budget}/schedule/spread", headers=po, json={"method": "even"}
            )
        ).json()["months"]
        assert [m["month"] for m in spread][0] == "2026-04"
        r = await put(client, po, budget, {"months": spread, "version": 5})
        assert r.status_code == 200, r.text
        s = r.json()
        assert [m["amount"] for m in s["months"][:3]] == ["100.00"] * 3
        assert [m["closed"] for m in s["months"][:4]] == [True, True, True, False]
        assert s["scheduled_total"] == "1200.00"

    async def test_workload_estimates_appear_beside_each_month(self, client, org, container):
        fin, po, budget = org["fin"], org["po"], org["budget"]
        await client.post(
            "/api/v1/accounts", headers=fin, json={"account_id": "123456789012", "name": "A"}
        )
        # The account must reach the owner's budget before they place workloads on it.
        split = await client.put(
            "/api/v1/accounts/123456789012/allocation",
            headers=fin,
            json={
                "effective_from": "2026-01-01",
                "splits": [{"budget_id": budget, "percent": "100"}],
            },
        )
        assert split.status_code == 200, split.text
        for launch, end, est in (("2026-03", "2026-12", "100"), ("2026-06", "2026-08", "50")):
            r = await client.post(
                "/api/v1/workloads",
                headers=po,
                json={
                    "budget_id": budget,
                    "account_id": "123456789012",
                    "name": f"w{launch}",
                    "calculator_url": "https://calculator.aws/#/estimate?id=x",
                    "monthly_estimate": est,
                    "launch_month": launch,
                    "end_month": end,
                },
            )
            assert r.status_code == 201, r.text
        s = (await client.get(f"/api/v1/budgets/{budget}/schedule", headers=po)).json()
        assert [m["workload_estimate"] for m in s["months"]][:9] == [
            "0.00",
            "0.00",
            "100.00",
            "100.00",
            "100.00",
            "150.00",
            "150.00",
            "150.00",
            "100.00",
        ]
        spread = (
            await client.post(
                f"/api/v1/budgets/{budget}/schedule/spread",
                headers=po,
                json={"method": "estimates"},
            )
        ).json()["months"]
        assert spread[0]["amount"] == "0.00"
        assert sum(float(m["amount"]) for m in spread) == pytest.approx(1200)
        assert container
