"""Segregation of duties over HTTP: nobody decides what they submitted (Admins included), the
decision goes up when the submitter is the only eligible decider, and a schedule above
FINOPS_DUAL_APPROVAL_ABOVE needs two different approvers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.identity.roles import Role
from tests.api.schedules.test_schedules import act, months, org, put  # noqa: F401
from tests.factories import auth_headers

CHART = "BU,Dept,Portfolio,Product,Amount\nCorporate,Finance,ERP,Ledger,1200.00\n"


@pytest.fixture
async def unowned(client, container):
    """A product with no Portfolio Owner above it, one Financial Admin and one Admin."""
    admin = await auth_headers(client, container, role=Role.ADMIN)
    fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
    r = await client.post(
        "/api/v1/budget-imports",
        headers=fin,
        files={"file": ("C_2026_true_2026-01-01_false_Budget_v1.csv", CHART.encode(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    tree = (await client.get("/api/v1/hierarchy", headers=fin, params={"year": 2026})).json()
    budget = tree["nodes"][0]["children"][0]["children"][0]["children"][0]["budget_id"]
    assert (await put(client, fin, budget, {"months": months(), "version": 0})).status_code == 200
    r = await act(client, fin, budget, "submit", 1)
    assert r.json()["status"] == "pending", r.text
    return {"admin": admin, "fin": fin, "budget": budget}


class TestNobodyDecidesWhatTheySubmitted:
    async def test_the_submitting_financial_admin_cannot_approve(self, client, unowned):
        r = await act(client, unowned["fin"], unowned["budget"], "approve", 2)
        assert r.status_code == 403
        assert r.headers["content-type"] == "application/problem+json"
        assert "themselves" in r.json()["detail"] or "themselves" in r.json()["title"]

    async def test_nor_see_it_as_a_task(self, client, unowned):
        tasks = (await client.get("/api/v1/tasks", headers=unowned["fin"])).json()
        assert unowned["budget"] not in [t.get("budget_id") for t in tasks]


class TestEscalation:
    async def test_the_decision_goes_to_the_admin_when_the_submitter_is_the_only_finance_decider(
        self, client, unowned
    ):
        admin, budget = unowned["admin"], unowned["budget"]
        notes = (await client.get("/api/v1/notifications", headers=admin)).json()
        assert any("submitted" in n["message"] for n in notes)
        tasks = (await client.get("/api/v1/tasks", headers=admin)).json()
        assert [(t["kind"], t["budget_id"]) for t in tasks] == [("schedule.approve", budget)]
        r = await act(client, admin, budget, "approve", 2)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "approved"

    async def test_another_financial_admin_inherits_before_the_admin(
        self, client, container, unowned
    ):
        fin2 = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
        r = await act(client, unowned["fin"], unowned["budget"], "reject", 2, reason="redo")
        assert r.status_code == 403  # still the submitter's own request
        tasks = (await client.get("/api/v1/tasks", headers=fin2)).json()
        assert [t["budget_id"] for t in tasks] == [unowned["budget"]]
        assert (await act(client, fin2, unowned["budget"], "approve", 2)).status_code == 200


class TestRescheduleRequests:
    async def test_the_requester_cannot_grant_and_the_request_goes_up(self, client, unowned):
        admin, fin, budget = unowned["admin"], unowned["fin"], unowned["budget"]
        assert (await act(client, admin, budget, "approve", 2)).status_code == 200
        r = await act(client, fin, budget, "request-reschedule", 3, reason="the plan moved")
        assert r.json()["status"] == "reschedule_requested", r.text
        for own in ("grant-reschedule", "decline-reschedule"):
            r = await act(client, fin, budget, own, 4, reason="mine")
            assert r.status_code == 403, r.text
        tasks = (await client.get("/api/v1/tasks", headers=fin)).json()
        assert budget not in [t.get("budget_id") for t in tasks]
        # the Financial Admin was the only finance decider: the Admin inherits the request
        notes = (await client.get("/api/v1/notifications", headers=admin)).json()
        assert any("asked to reschedule" in n["message"] for n in notes), notes
        tasks = (await client.get("/api/v1/tasks", headers=admin)).json()
        assert [(t["kind"], t["budget_id"]) for t in tasks] == [("schedule.reschedule", budget)]
        r = await act(client, admin, budget, "grant-reschedule", 4)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "draft"


@pytest.fixture
def dual(container):
    container.settings.dual_approval_above = Decimal("1000.00")


@pytest.mark.usefixtures("dual")
class TestDualApproval:
    async def _submitted(self, client, org):  # noqa: F811
        po, budget = org["po"], org["budget"]
        assert (
            await put(client, po, budget, {"months": months(), "version": 0})
        ).status_code == 200
        assert (await act(client, po, budget, "submit", 1)).json()["status"] == "pending"
        return budget

    async def test_two_different_approvers_above_the_amount(self, client, org):  # noqa: F811
        budget = await self._submitted(client, org)
        pf, pf2 = org["pf"], org["pf2"]
        r = await act(client, pf, budget, "approve", 2)
        assert r.status_code == 200, r.text
        first = r.json()
        assert first["status"] == "pending"
        assert first["first_approved_by_id"] == org["pf_user"].id
        assert first["first_approved_by_name"]
        # the first approver may not give the second approval
        again = await act(client, pf, budget, "approve", 3)
        assert again.status_code == 403
        assert "second approval" in again.text
        assert budget not in [
            t.get("budget_id") for t in (await client.get("/api/v1/tasks", headers=pf)).json()
        ]
        tasks = (await client.get("/api/v1/tasks", headers=pf2)).json()
        assert [t["title"] for t in tasks if t.get("budget_id") == budget] == [
            "Give the second approval of the schedule of Retail › Digital › Web › Checkout"
        ]
        r = await act(client, pf2, budget, "approve", 3)
        assert r.json()["status"] == "approved"
        assert r.json()["first_approved_by_id"] is None
        assert r.json()["approved"]["version"] == 4

    async def test_a_rejection_after_the_first_approval_starts_over(self, client, org):  # noqa: F811
        budget = await self._submitted(client, org)
        po, pf, pf2 = org["po"], org["pf"], org["pf2"]
        assert (await act(client, pf, budget, "approve", 2)).json()["status"] == "pending"
        r = await act(client, pf2, budget, "reject", 3, reason="Q4")
        assert (r.json()["status"], r.json()["first_approved_by_id"]) == ("rejected", None)
        assert (await act(client, po, budget, "submit", 4)).json()["status"] == "pending"
        assert (await act(client, pf, budget, "approve", 5)).json()["status"] == "pending"

    async def test_at_or_below_the_amount_one_approval_is_enough(
        self,
        client,
        container,
        org,  # noqa: F811
    ):
        container.settings.dual_approval_above = Decimal("1200.00")  # Checkout: exactly 1200
        budget = await self._submitted(client, org)
        assert (await act(client, org["pf"], budget, "approve", 2)).json()["status"] == "approved"
