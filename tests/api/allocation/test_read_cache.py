"""The kept answers of `GET /spend` and `GET /allocation-summary` (`api.answer_cache`): served
again while nothing changed; a split, a claim, a release or a CUR refresh is seen by the next
read; owners and finance roles never share an answer."""

from __future__ import annotations

from decimal import Decimal

from adapters.cur.generator import generate_cur
from adapters.db.uow import UnitOfWork
from domain.identity.roles import Role
from tests.api.allocation.conftest import owner_of

CALC = "https://calculator.aws/#/estimate?id=cache-test"


async def spend(client, headers, **params):
    r = await client.get(
        "/api/v1/spend",
        headers=headers,
        params={"period": "2026-09", "group_by": "budget"} | params,
    )
    assert r.status_code == 200, r.text
    return {row["budget_id"]: Decimal(row["amount"]) for row in r.json()["rows"]}


async def split(client, fin, account, shares, effective_from="2026-09-01"):
    r = await client.put(
        f"/api/v1/accounts/{account}/allocation",
        headers=fin,
        json={
            "effective_from": effective_from,
            "splits": [{"budget_id": b, "percent": p} for b, p in shares],
        },
    )
    assert r.status_code == 200, r.text


async def summary(client, headers):
    r = await client.get("/api/v1/allocation-summary", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def accounts_in(found):
    return {v["account_id"] for group in found.values() for v in group}


class TestSpendCache:
    async def test_a_repeated_read_is_kept_and_a_split_change_is_seen(
        self, client, container, world
    ):
        fin, ids = world["finance"], {n: b["id"] for n, b in world["budgets"].items()}
        account = world["accounts"][0]
        first = await spend(client, fin)
        assert set(first) == {None}  # nothing split yet: all Unallocated
        hits = container.answers.hits
        assert await spend(client, fin) == first
        assert container.answers.hits == hits + 1
        await split(client, fin, account, [(ids["Storefront"], "100")])
        second = await spend(client, fin)
        assert second[ids["Storefront"]] > 0
        assert sum(second.values()) == sum(first.values())
        await split(client, fin, account, [(ids["Ledger"], "100")], effective_from="2026-09-14")
        third = await spend(client, fin)
        assert third[ids["Ledger"]] > 0
        assert third[ids["Storefront"]] < second[ids["Storefront"]]

    async def test_a_claim_and_its_release_are_seen_by_the_next_read(self, client, world):
        fin, ids = world["finance"], {n: b["id"] for n, b in world["budgets"].items()}
        account = world["accounts"][0]
        resource = world["resources"][account][0]
        await split(client, fin, account, [(ids["Storefront"], "100")])
        before = await spend(client, fin)
        assert ids["Checkout"] not in before
        w = await client.post(
            "/api/v1/workloads",
            headers=fin,
            json={
                "budget_id": ids["Checkout"],
                "account_id": account,
                "name": "api",
                "calculator_url": CALC,
                "monthly_estimate": "1",
                "launch_month": "2026-01",
            },
        )
        assert w.status_code == 201, w.text
        r = await client.post(
            f"/api/v1/workloads/{w.json()['id']}/claims",
            headers=fin,
            json={"resource_ids": [resource], "effective_from": "2026-09-01"},
        )
        assert r.status_code == 201, r.text
        claimed = await spend(client, fin)
        assert claimed[ids["Checkout"]] > 0
        r = await client.post(
            "/api/v1/claims/release",
            headers=fin,
            json={"resource_ids": [resource], "effective_to": "2026-09-01"},
        )
        assert r.status_code == 200, r.text
        released = await spend(client, fin)
        assert released.get(ids["Checkout"], Decimal(0)) < claimed[ids["Checkout"]]

    async def test_owners_and_finance_never_share_an_answer(self, client, container, world):
        fin, ids = world["finance"], {n: b["id"] for n, b in world["budgets"].items()}
        await split(client, fin, world["accounts"][0], [(ids["Storefront"], "100")])
        await split(client, fin, world["accounts"][1], [(ids["Ledger"], "100")])
        everything = await spend(client, fin)
        assert {None, ids["Storefront"], ids["Ledger"]} <= set(everything)
        po = await owner_of(
            client,
            container,
            fin,
            role=Role.PORTFOLIO_OWNER,
            node_path=["Retail", "Digital", "Web"],
        )
        for _ in range(2):  # computed, then kept: the owner's own answer both times
            assert set(await spend(client, po)) == {ids["Storefront"]}
        assert await spend(client, fin) == everything

    async def test_a_cur_refresh_is_seen_by_the_next_read(self, client, settings, world, tmp_path):
        fin = world["finance"]
        first = await spend(client, fin)
        out = tmp_path / "cur2"
        generate_cur(out, rows=6_000, accounts=3, resources=40, months=2, start="2026-09", seed=7)
        settings.cur_path = str(out)
        assert (await client.post("/api/v1/cur/refresh", headers=fin)).status_code == 200
        assert await spend(client, fin) != first


class TestAllocationSummaryCache:
    async def test_a_split_is_seen_by_the_next_read_and_scopes_stay_apart(
        self, client, container, world
    ):
        fin, ids = world["finance"], {n: b["id"] for n, b in world["budgets"].items()}
        first, second = world["accounts"][0], world["accounts"][1]
        await split(client, fin, first, [(ids["Storefront"], "100")])
        assert accounts_in(await summary(client, fin)) == {first}
        hits = container.answers.hits
        assert accounts_in(await summary(client, fin)) == {first}
        assert container.answers.hits == hits + 1
        await split(client, fin, second, [(ids["Ledger"], "100")])
        assert accounts_in(await summary(client, fin)) == {first, second}
        po = await owner_of(
            client,
            container,
            fin,
            role=Role.PORTFOLIO_OWNER,
            node_path=["Corporate", "Finance", "ERP"],
        )
        for _ in range(2):
            assert accounts_in(await summary(client, po)) == {second}
        assert accounts_in(await summary(client, fin)) == {first, second}


class TestVersionsInOneRoundTrip:
    async def test_it_reads_what_the_two_separate_reads_do_and_moves_with_both(
        self, client, container, world
    ):
        """The spend and allocation reads key their answers by `write_and_rules_version`: the
        audit head (any audited write) and the rules version (a split or claim), read once."""

        async def versions():
            async with container.sessionmaker() as session:
                uow = UnitOfWork(session)
                both = await uow.allocation.write_and_rules_version()
                assert both == (
                    await uow.audit.head_version(),
                    await uow.allocation.rules_version(),
                )
                return both

        fin, ids = world["finance"], {n: b["id"] for n, b in world["budgets"].items()}
        (head, rules) = await versions()
        assert head[1] > 0  # the chart import and the refresh were audited
        r = await client.patch(
            f"/api/v1/budgets/{ids['Ledger']}",
            headers=fin,
            json={"annual_amount": "1", "effective_from": "2026-01-01"},
        )
        assert r.status_code == 200, r.text
        (head2, rules2) = await versions()
        assert head2[0] > head[0]
        assert rules2 == rules
        await split(client, fin, world["accounts"][0], [(ids["Storefront"], "100")])
        (head3, rules3) = await versions()
        assert head3[0] > head2[0]
        assert rules3 > rules2
