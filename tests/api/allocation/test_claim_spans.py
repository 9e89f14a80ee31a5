"""Claim spans of one resource never overlap (released ones included), a resource is its account
and its resource id together, and inconsistent rules never take spend reads down."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest
from sqlalchemy import update

from adapters.db.models import ClaimRow, RulesVersionRow
from domain.identity.roles import Role
from tests.api.allocation import test_workloads_and_claims as claims_api
from tests.api.allocation.conftest import owner_of

# the fixture and factory of the claims API tests
claimable = claims_api.claimable
workload = claims_api.workload


async def claim(client, headers, workload_id, resource_ids, **extra):
    return await client.post(
        f"/api/v1/workloads/{workload_id}/claims",
        headers=headers,
        json={"resource_ids": resource_ids, **extra},
    )


async def release(client, headers, resource_ids, **extra):
    return await client.post(
        "/api/v1/claims/release", headers=headers, json={"resource_ids": resource_ids, **extra}
    )


async def storefront_owner(client, container, finance):
    return await owner_of(
        client,
        container,
        finance,
        role=Role.PRODUCT_OWNER,
        node_path=["Retail", "Digital", "Web", "Storefront"],
    )


class TestClaimSpansNeverOverlap:
    async def test_a_claim_over_a_released_span_is_refused_and_spend_still_answers(
        self, client, claimable
    ):
        fin, w1, w2, res = claimable["finance"], claimable["w1"], claimable["w2"], claimable["mine"]
        assert (await claim(client, fin, w1["id"], res[:1], effective_from="2026-09-01")).is_success
        r = await release(client, fin, res[:1], effective_to="2026-09-15")
        assert r.status_code == 200, r.text

        r = await claim(client, fin, w2["id"], res[:1], effective_from="2026-09-10")

        assert r.status_code == 409, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        error = r.json()["errors"][0]
        assert error["field"] == "claims.0.resource_ids.0"
        assert "2026-09-01..2026-09-15" in error["message"]
        assert len((await client.get("/api/v1/claims", headers=fin)).json()) == 1
        spend = await client.get("/api/v1/spend", headers=fin, params={"period": "2026-09"})
        assert spend.status_code == 200, spend.text
        later = await claim(client, fin, w2["id"], res[:1], effective_from="2026-09-16")
        assert later.status_code == 201, later.text

    async def test_an_owner_cannot_claim_over_a_release_dated_in_the_future(
        self, client, container, claimable
    ):
        fin, w1, w2, res = claimable["finance"], claimable["w1"], claimable["w2"], claimable["mine"]
        po = await storefront_owner(client, container, fin)
        assert (
            await claim(client, fin, w1["id"], res[1:2], effective_from="2026-09-01")
        ).is_success
        future = (datetime.now(UTC).date() + timedelta(days=10)).isoformat()
        assert (await release(client, fin, res[1:2], effective_to=future)).status_code == 200

        r = await claim(client, po, w2["id"], res[1:2])

        assert r.status_code == 409, r.text
        assert future in r.json()["errors"][0]["message"]
        for headers in (po, fin):
            spend = await client.get("/api/v1/spend", headers=headers, params={"period": "2026-09"})
            assert spend.status_code == 200, spend.text

    async def test_concurrent_bulk_claims_in_opposite_orders_exactly_one_wins(
        self, client, claimable
    ):
        fin, res = claimable["finance"], claimable["mine"]
        w1 = claimable["w1"]["id"]
        assert (await claim(client, fin, w1, res[2:3], effective_from="2026-09-01")).is_success
        assert (await release(client, fin, res[2:3], effective_to="2026-10-31")).is_success
        pair = [res[2], res[3]]
        responses = await asyncio.gather(
            claim(client, fin, claimable["w1"]["id"], pair, effective_from="2026-11-01"),
            claim(client, fin, claimable["w2"]["id"], pair[::-1], effective_from="2026-11-01"),
            claim(client, fin, claimable["w2"]["id"], pair, effective_from="2026-11-01"),
        )
        codes = sorted(r.status_code for r in responses)
        assert codes.count(201) == 1, [r.text for r in responses]
        assert set(codes) <= {201, 409}, [r.text for r in responses]
        open_ = (await client.get("/api/v1/claims", headers=fin, params={"status": "open"})).json()
        assert sorted(c["resource_id"] for c in open_) == sorted(pair)
        assert len({c["workload_id"] for c in open_}) == 1


@pytest.fixture
async def twins(client, claimable):
    """Account B's first resource renamed in the CUR to account A's first resource id: the same
    id in two accounts, two resources."""
    fin, accounts, resources = claimable["finance"], claimable["accounts"], claimable["resources"]
    a, b = accounts[0], accounts[1]
    shared, renamed = resources[a][0], resources[b][0]
    for path in claimable["cur"].rglob("*.parquet"):
        tmp = path.with_name(path.name + ".tmp")
        duckdb.sql(
            "COPY (SELECT * REPLACE (CASE WHEN line_item_resource_id = $renamed THEN $shared "
            f"ELSE line_item_resource_id END AS line_item_resource_id) FROM read_parquet('{path}'))"
            f" TO '{tmp}' (FORMAT parquet)",
            params={"renamed": renamed, "shared": shared},
        )
        tmp.replace(path)
    assert (await client.post("/api/v1/cur/refresh", headers=fin)).status_code == 200
    wb = (await workload(client, fin, claimable["budgets"]["Ledger"]["id"], b, name="B")).json()
    return {**claimable, "a": a, "b": b, "shared": shared, "wb": wb}


class TestResourcesAreKeyedByAccount:
    async def test_the_same_id_in_two_accounts_is_claimed_and_released_separately(
        self, client, twins
    ):
        fin, shared = twins["finance"], twins["shared"]
        assert (await claim(client, fin, twins["w1"]["id"], [shared])).status_code == 201

        r = await claim(client, fin, twins["wb"]["id"], [shared])

        assert r.status_code == 201, r.text
        open_ = (await client.get("/api/v1/claims", headers=fin, params={"status": "open"})).json()
        assert sorted((c["account_id"], c["resource_id"]) for c in open_) == sorted(
            [(twins["a"], shared), (twins["b"], shared)]
        )
        ambiguous = await release(client, fin, [shared])
        assert ambiguous.status_code == 422
        assert "account_id" in ambiguous.json()["errors"][0]["message"]
        r = await release(client, fin, [shared], account_id=twins["b"])
        assert r.status_code == 200, r.text
        assert [(c["account_id"], c["status"]) for c in r.json()] == [(twins["b"], "released")]
        still = (await client.get("/api/v1/claims", headers=fin, params={"status": "open"})).json()
        assert [c["account_id"] for c in still] == [twins["a"]]
        claimed = (
            await client.get("/api/v1/resources", headers=fin, params={"status": "claimed"})
        ).json()["items"]
        assert [(r["account_id"], r["resource_id"]) for r in claimed] == [(twins["a"], shared)]

    async def test_a_claim_in_one_account_leaves_the_twin_open_in_the_other(self, client, twins):
        fin, shared = twins["finance"], twins["shared"]
        assert (await claim(client, fin, twins["w1"]["id"], [shared])).status_code == 201

        r = await client.get(
            "/api/v1/resources", headers=fin, params={"status": "open", "q": shared, "limit": 500}
        )

        assert r.status_code == 200, r.text
        found = [(i["account_id"], i["resource_id"]) for i in r.json()["items"]]
        assert (twins["b"], shared) in found
        assert (twins["a"], shared) not in found


class TestInconsistentRulesDoNotTakeReadsDown:
    async def test_reads_keep_the_last_consistent_allocation_and_tell_finance(
        self, client, container, claimable
    ):
        fin, w1, w2, res = claimable["finance"], claimable["w1"], claimable["w2"], claimable["mine"]
        po = await storefront_owner(client, container, fin)
        r = await claim(client, fin, w1["id"], res[:1], effective_from="2026-09-01")
        assert r.status_code == 201, r.text
        params = {"period": "2026-09"}
        before = (await client.get("/api/v1/spend", headers=fin, params=params)).json()
        # a row written before overlaps were refused: the same resource, two workloads, one day
        async with container.sessionmaker() as session:
            session.add(
                ClaimRow(
                    account_id=r.json()[0]["account_id"],
                    resource_id=res[0],
                    workload_id=w2["id"],
                    budget_id=w2["budget_id"],
                    claimed_by="legacy@example.com",
                    effective_from=date(2026, 9, 5),
                    released_at=datetime(2026, 9, 30, tzinfo=UTC),
                    released_by="legacy@example.com",
                    effective_to=date(2026, 9, 20),
                )
            )
            await session.execute(
                update(RulesVersionRow).values(version=RulesVersionRow.version + 1)
            )
            await session.commit()

        after = await client.get("/api/v1/spend", headers=fin, params=params)
        mine = await client.get("/api/v1/spend", headers=po, params=params)
        never_read = await client.get("/api/v1/spend", headers=po, params={"period": "2026-10"})

        assert after.status_code == 200, after.text
        assert after.json()["rows"] == before["rows"]
        assert mine.status_code == 200, mine.text
        assert never_read.status_code == 200, never_read.text
        for text in (mine.text, never_read.text):
            assert res[0] not in text
            assert r.json()[0]["account_id"] not in text
        periods = (await client.get("/api/v1/billing-periods", headers=fin)).json()
        assert res[0] in periods[0]["allocation_problem"]
        assert "correlation id" in periods[0]["allocation_problem"]
        health = (await client.get("/api/v1/health")).json()
        assert health["allocation"] == "degraded"
