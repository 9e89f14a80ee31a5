"""A workload cannot open an account outside the caller's scope (no scope escape)."""

from __future__ import annotations

from domain.identity.roles import Role
from tests.api.allocation.conftest import owner_of

CALC = "https://calculator.aws/#/estimate?id=0a1b2c3d4e5f"


async def workload(client, headers, budget_id, account_id, name="Checkout API"):
    return await client.post(
        "/api/v1/workloads",
        headers=headers,
        json={
            "budget_id": budget_id,
            "account_id": account_id,
            "name": name,
            "calculator_url": CALC,
            "monthly_estimate": "100",
            "launch_month": "2026-03",
        },
    )


async def split_onto(client, fin, account, budget_id):
    r = await client.put(
        f"/api/v1/accounts/{account}/allocation",
        headers=fin,
        json={
            "effective_from": "2026-09-01",
            "splits": [{"budget_id": budget_id, "percent": "100"}],
        },
    )
    assert r.status_code == 200, r.text


async def checkout_owner(client, container, fin):
    return await owner_of(
        client,
        container,
        fin,
        role=Role.PRODUCT_OWNER,
        node_path=["Retail", "Digital", "Web", "Checkout"],
    )


class TestWorkloadAccountScope:
    async def test_an_account_of_another_unit_answers_like_an_unknown_one(
        self, client, container, world
    ):
        fin, budgets = world["finance"], world["budgets"]
        corporate = world["accounts"][1]
        await split_onto(client, fin, corporate, budgets["Ledger"]["id"])
        po = await checkout_owner(client, container, fin)

        hidden = await workload(client, po, budgets["Checkout"]["id"], corporate)
        unknown = await workload(client, po, budgets["Checkout"]["id"], "999999999999")

        assert (hidden.status_code, unknown.status_code) == (404, 404)
        assert hidden.json() == unknown.json()
        assert (await client.get("/api/v1/workloads", headers=fin)).json() == []
        assert (await client.get(f"/api/v1/accounts/{corporate}", headers=po)).status_code == 404

    async def test_an_account_split_onto_the_owners_budget_takes_workloads(
        self, client, container, world
    ):
        fin, budgets, account = world["finance"], world["budgets"], world["accounts"][0]
        await split_onto(client, fin, account, budgets["Checkout"]["id"])
        po = await checkout_owner(client, container, fin)
        r = await workload(client, po, budgets["Checkout"]["id"], account)
        assert r.status_code == 201, r.text

    async def test_an_account_running_a_workload_in_scope_takes_more(
        self, client, container, world
    ):
        fin, budgets, account = world["finance"], world["budgets"], world["accounts"][2]
        # Finance placed a workload of Checkout on an unsplit account: it reaches Checkout.
        assert (await workload(client, fin, budgets["Checkout"]["id"], account)).status_code == 201
        po = await checkout_owner(client, container, fin)
        r = await workload(client, po, budgets["Checkout"]["id"], account, name="Second")
        assert r.status_code == 201, r.text

    async def test_finance_places_workloads_on_any_account(self, client, world):
        fin, budgets = world["finance"], world["budgets"]
        r = await workload(client, fin, budgets["Checkout"]["id"], world["accounts"][1])
        assert r.status_code == 201, r.text


class TestRefusedClaimDoesNotNameHiddenWorkloads:
    async def test_a_resource_claimed_by_another_unit_is_refused_without_its_workload(
        self, client, container, world
    ):
        fin, budgets, account = world["finance"], world["budgets"], world["accounts"][0]
        resource = world["resources"][account][0]
        await split_onto(client, fin, account, budgets["Checkout"]["id"])
        ledger = (await workload(client, fin, budgets["Ledger"]["id"], account, "Ledger")).json()
        claimed = await client.post(
            f"/api/v1/workloads/{ledger['id']}/claims",
            headers=fin,
            json={"resource_ids": [resource]},
        )
        assert claimed.status_code == 201, claimed.text
        po = await checkout_owner(client, container, fin)
        mine = (await workload(client, po, budgets["Checkout"]["id"], account)).json()

        refused = await client.post(
            f"/api/v1/workloads/{mine['id']}/claims", headers=po, json={"resource_ids": [resource]}
        )
        seen_by_finance = await client.post(
            f"/api/v1/workloads/{mine['id']}/claims", headers=fin, json={"resource_ids": [resource]}
        )

        assert refused.status_code == seen_by_finance.status_code == 409
        message = refused.json()["errors"][0]["message"]
        assert "already claimed by a workload outside your scope" in message
        assert f"workload {ledger['id']}" not in message
        assert "(claim " not in message
        assert f"by workload {ledger['id']}" in seen_by_finance.json()["errors"][0]["message"]
