from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from domain.identity.roles import Role
from tests.api.allocation.conftest import owner_of

CALC = "https://calculator.aws/#/estimate?id=0a1b2c3d4e5f"


async def workload(client, headers, budget_id, account_id, **overrides):
    body = {
        "budget_id": budget_id,
        "account_id": account_id,
        "name": "Checkout API",
        "calculator_url": CALC,
        "monthly_estimate": "1,250.00",
        "launch_month": "2026-03",
        **overrides,
    }
    return await client.post("/api/v1/workloads", headers=headers, json=body)


class TestWorkloads:
    async def test_product_owner_creates_under_own_budget_only(self, client, container, world):
        fin, budgets, account = world["finance"], world["budgets"], world["accounts"][0]
        po = await owner_of(
            client,
            container,
            fin,
            role=Role.PRODUCT_OWNER,
            node_path=["Retail", "Digital", "Web", "Checkout"],
        )
        split = await client.put(
            f"/api/v1/accounts/{account}/allocation",
            headers=fin,
            json={
                "effective_from": "2026-09-01",
                "splits": [{"budget_id": budgets["Checkout"]["id"], "percent": "100"}],
            },
        )
        assert split.status_code == 200, split.text
        r = await workload(client, po, budgets["Checkout"]["id"], account)
        assert r.status_code == 201, r.text
        body = r.json()
        assert (body["monthly_estimate"], body["end_month"]) == ("1250.00", "2026-12")
        other = await workload(client, po, budgets["Ledger"]["id"], account)
        assert other.status_code == 404
        listed = (await client.get("/api/v1/workloads", headers=po)).json()
        assert [w["id"] for w in listed] == [body["id"]]
        assert (await client.get("/api/v1/workloads", headers=fin)).json()[0]["id"] == body["id"]

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"calculator_url": "http://calculator.aws/#/estimate?id=1"}, "calculator_url"),
            ({"calculator_url": "https://evil.example/#/estimate?id=1"}, "calculator_url"),
            ({"calculator_url": "https://calculator.aws/#/"}, "calculator_url"),
            ({"monthly_estimate": "-5"}, "monthly_estimate"),
            ({"launch_month": "2027-01"}, "launch_month"),
            ({"launch_month": "2026-06", "end_month": "2026-05"}, "end_month"),
            ({"launch_month": "March"}, "launch_month"),
            ({"name": ""}, "name"),
        ],
    )
    async def test_bad_workloads(self, client, world, overrides, field):
        r = await workload(
            client,
            world["finance"],
            world["budgets"]["Checkout"]["id"],
            world["accounts"][0],
            **overrides,
        )
        assert r.status_code == 422, r.text
        assert field in [e["field"] for e in r.json()["errors"]]
        assert (await client.get("/api/v1/workloads", headers=world["finance"])).json() == []

    async def test_unknown_account(self, client, world):
        r = await workload(
            client, world["finance"], world["budgets"]["Checkout"]["id"], "999999999999"
        )
        assert r.status_code == 404
        assert r.json()["detail"] == "account not found"

    async def test_update(self, client, world):
        w = (
            await workload(
                client, world["finance"], world["budgets"]["Checkout"]["id"], world["accounts"][0]
            )
        ).json()
        r = await client.patch(
            f"/api/v1/workloads/{w['id']}",
            headers=world["finance"],
            json={"monthly_estimate": "2000", "end_month": "2026-09"},
        )
        assert r.status_code == 200
        assert (r.json()["monthly_estimate"], r.json()["end_month"]) == ("2000.00", "2026-09")


@pytest.fixture
async def claimable(client, world):
    fin, budgets = world["finance"], world["budgets"]
    account = world["accounts"][0]
    other_account = world["accounts"][1]
    w1 = (await workload(client, fin, budgets["Checkout"]["id"], account)).json()
    w2 = (
        await workload(client, fin, budgets["Storefront"]["id"], account, name="Storefront web")
    ).json()
    return {
        **world,
        "w1": w1,
        "w2": w2,
        "mine": world["resources"][account],
        "theirs": world["resources"][other_account],
    }


class TestClaims:
    async def test_claim_takes_effect_tomorrow_and_release_frees_it(self, client, claimable):
        fin, w1, res = claimable["finance"], claimable["w1"], claimable["mine"][:3]
        r = await client.post(
            f"/api/v1/workloads/{w1['id']}/claims", headers=fin, json={"resource_ids": res}
        )
        assert r.status_code == 201, r.text
        tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
        assert {c["effective_from"] for c in r.json()} == {tomorrow}
        assert {c["budget_id"] for c in r.json()} == {w1["budget_id"]}
        open_ = (await client.get("/api/v1/claims", headers=fin, params={"status": "open"})).json()
        assert sorted(c["resource_id"] for c in open_) == sorted(res)
        r = await client.post("/api/v1/claims/release", headers=fin, json={"resource_ids": res[:1]})
        assert r.status_code == 200, r.text
        assert r.json()[0]["effective_to"] == datetime.now(UTC).date().isoformat()
        again = await client.post(
            f"/api/v1/workloads/{claimable['w2']['id']}/claims",
            headers=fin,
            json={"resource_ids": res[:1]},
        )
        assert again.status_code == 201

    async def test_every_refused_resource_is_listed_and_nothing_is_claimed(self, client, claimable):
        fin, w1, w2 = claimable["finance"], claimable["w1"], claimable["w2"]
        mine, theirs = claimable["mine"], claimable["theirs"]
        await client.post(
            f"/api/v1/workloads/{w2['id']}/claims", headers=fin, json={"resource_ids": [mine[0]]}
        )
        r = await client.post(
            f"/api/v1/workloads/{w1['id']}/claims",
            headers=fin,
            json={"resource_ids": [mine[1], mine[0], theirs[0], "i-ghost", mine[1]]},
        )
        assert r.status_code == 422
        messages = [e["message"] for e in r.json()["errors"]]
        assert len(messages) == 4
        assert any("already claimed" in m for m in messages)
        assert any(theirs[0] in m and "not a resource of account" in m for m in messages)
        assert any("named twice" in m for m in messages)
        claims = (await client.get("/api/v1/claims", headers=fin)).json()
        assert [c["resource_id"] for c in claims] == [mine[0]]

    async def test_claims_across_workloads_are_atomic(self, client, claimable):
        fin, w1, w2, mine = (
            claimable["finance"],
            claimable["w1"],
            claimable["w2"],
            claimable["mine"],
        )
        bad = await client.post(
            "/api/v1/claims",
            headers=fin,
            json={
                "claims": [
                    {"workload_id": w1["id"], "resource_ids": [mine[0]]},
                    {"workload_id": w2["id"], "resource_ids": [claimable["theirs"][0]]},
                ]
            },
        )
        assert bad.status_code == 422
        assert (await client.get("/api/v1/claims", headers=fin)).json() == []
        good = await client.post(
            "/api/v1/claims",
            headers=fin,
            json={
                "claims": [
                    {"workload_id": w1["id"], "resource_ids": [mine[0]]},
                    {"workload_id": w2["id"], "resource_ids": [mine[1]]},
                ]
            },
        )
        assert good.status_code == 201
        assert {c["workload_id"] for c in good.json()} == {w1["id"], w2["id"]}

    async def test_release_of_an_unclaimed_resource(self, client, claimable):
        r = await client.post(
            "/api/v1/claims/release",
            headers=claimable["finance"],
            json={"resource_ids": [claimable["mine"][0]]},
        )
        assert r.status_code == 422
        assert "not claimed" in r.text

    async def test_only_finance_backdates_and_it_is_audited(self, client, container, claimable):
        fin, w1, mine = claimable["finance"], claimable["w1"], claimable["mine"]
        po = await owner_of(
            client,
            container,
            fin,
            role=Role.PRODUCT_OWNER,
            node_path=["Retail", "Digital", "Web", "Checkout"],
        )
        r = await client.post(
            f"/api/v1/workloads/{w1['id']}/claims",
            headers=po,
            json={"resource_ids": [mine[0]], "effective_from": "2026-09-01"},
        )
        assert r.status_code == 403
        r = await client.post(
            f"/api/v1/workloads/{w1['id']}/claims",
            headers=fin,
            json={"resource_ids": [mine[0]], "effective_from": "2026-09-01"},
        )
        assert r.status_code == 201
        assert r.json()[0]["effective_from"] == "2026-09-01"
        ok = await client.post(
            f"/api/v1/workloads/{w1['id']}/claims", headers=po, json={"resource_ids": [mine[1]]}
        )
        assert ok.status_code == 201
        mine_only = (await client.get("/api/v1/claims", headers=po)).json()
        assert len(mine_only) == 2

    async def test_an_owner_cannot_claim_to_someone_elses_workload(
        self, client, container, claimable
    ):
        po = await owner_of(
            client,
            container,
            claimable["finance"],
            role=Role.PRODUCT_OWNER,
            node_path=["Corporate", "Finance", "ERP", "Ledger"],
        )
        r = await client.post(
            f"/api/v1/workloads/{claimable['w1']['id']}/claims",
            headers=po,
            json={"resource_ids": [claimable["mine"][0]]},
        )
        assert r.status_code == 404

    async def test_concurrent_claims_of_one_resource_exactly_one_wins(self, client, claimable):
        fin, mine = claimable["finance"], claimable["mine"]
        responses = await asyncio.gather(
            *[
                client.post(
                    f"/api/v1/workloads/{w['id']}/claims",
                    headers=fin,
                    json={"resource_ids": [mine[5]]},
                )
                for w in (claimable["w1"], claimable["w2"], claimable["w1"])
            ]
        )
        codes = sorted(r.status_code for r in responses)
        assert codes.count(201) == 1, codes
        assert set(codes) <= {201, 409, 422}
        claims = (await client.get("/api/v1/claims", headers=fin)).json()
        assert len(claims) == 1


class TestResourceStatus:
    async def test_open_claimed_and_scoped_resource_lists(self, client, container, claimable):
        fin, w1, mine = claimable["finance"], claimable["w1"], claimable["mine"]
        account = claimable["accounts"][0]
        await client.post(
            f"/api/v1/workloads/{w1['id']}/claims",
            headers=fin,
            json={"resource_ids": mine[:2], "effective_from": "2026-09-01"},
        )

        async def listing(headers, **params):
            items, cursor = [], None
            while True:
                query = {
                    "limit": 500,
                    "period": "2026-09",
                    **params,
                    **({"cursor": cursor} if cursor else {}),
                }
                page = (await client.get("/api/v1/resources", headers=headers, params=query)).json()
                items += page["items"]
                cursor = page["next_cursor"]
                if cursor is None:
                    return items

        open_ = await listing(fin)
        assert not {r["resource_id"] for r in open_} & set(mine[:2])
        assert {r["status"] for r in open_} == {"open"}
        claimed = await listing(fin, status="claimed")
        assert sorted(r["resource_id"] for r in claimed) == sorted(mine[:2])
        assert {r["claim"]["workload_id"] for r in claimed} == {w1["id"]}
        everything = await listing(fin, status="all")
        assert len(everything) == len(open_) + len(claimed)
        po = await owner_of(
            client,
            container,
            fin,
            role=Role.PRODUCT_OWNER,
            node_path=["Retail", "Digital", "Web", "Checkout"],
        )
        seen = await listing(po, status="all")
        assert seen
        assert {r["account_id"] for r in seen} == {account}
        other = await owner_of(
            client,
            container,
            fin,
            role=Role.PRODUCT_OWNER,
            node_path=["Corporate", "Finance", "ERP", "Ledger"],
        )
        assert await listing(other, status="all") == []
