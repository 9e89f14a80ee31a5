from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from adapters.db.models import ClosedPeriodRow
from domain.identity.roles import Role
from tests.api.allocation.conftest import owner_of
from tests.factories import auth_headers


def split(budgets, **shares):
    return [{"budget_id": budgets[name]["id"], "percent": pct} for name, pct in shares.items()]


class TestSplits:
    async def test_split_then_remap_keeps_the_history(self, client, container, world):
        fin, budgets, account = world["finance"], world["budgets"], world["accounts"][0]
        url = f"/api/v1/accounts/{account}/allocation"
        r = await client.put(
            url,
            headers=fin,
            json={
                "effective_from": "2026-09-01",
                "splits": split(budgets, Storefront="60.00", Checkout="40"),
            },
        )
        assert r.status_code == 200, r.text
        r = await client.put(
            url,
            headers=fin,
            json={"effective_from": "2026-09-14", "splits": split(budgets, Ledger="100")},
        )
        assert r.status_code == 200, r.text
        history = (await client.get(url, headers=fin)).json()
        assert [(v["effective_from"], v["effective_to"]) for v in history] == [
            ("2026-09-01", "2026-09-13"),
            ("2026-09-14", "2026-12-31"),
        ]
        assert [s["percent"] for s in history[0]["splits"]] == ["60.00", "40.00"]
        admin = await auth_headers(client, container, role=Role.ADMIN)
        audit = await client.get(
            "/api/v1/audit", headers=admin, params={"action": "account.split", "entity_id": account}
        )
        assert audit.json()["total"] == 2

    async def test_default_start_is_the_first_of_last_month(self, client, world):
        fin, budgets, account = world["finance"], world["budgets"], world["accounts"][0]
        r = await client.put(
            f"/api/v1/accounts/{account}/allocation",
            headers=fin,
            json={"splits": split(budgets, Storefront="100")},
        )
        # The demo year is 2026 and so is "today" on the calendar these tests run in; when the
        # previous month falls in another year the budget year check refuses it, which is
        # right too.
        today = datetime.now(UTC).date()
        expected = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        if expected.year != 2026:
            assert r.status_code == 422
            return
        assert r.status_code == 200, r.text
        assert r.json()[-1]["effective_from"] == expected.isoformat()

    @pytest.mark.parametrize(
        ("shares", "start", "field"),
        [
            ({"Storefront": "60", "Checkout": "39.99"}, "2026-09-01", "splits"),
            ({"Storefront": "0", "Checkout": "100"}, "2026-09-01", "splits.0.percent"),
            ({"Storefront": "-10", "Checkout": "110"}, "2026-09-01", "splits.0.percent"),
            ({"Storefront": "33.333", "Checkout": "66.667"}, "2026-09-01", "splits.0.percent"),
            ({"Storefront": "50", "Checkout": "50"}, "2026-09-02", "effective_from"),
        ],
    )
    async def test_bad_splits_change_nothing(self, client, world, shares, start, field):
        fin, budgets, account = world["finance"], world["budgets"], world["accounts"][0]
        url = f"/api/v1/accounts/{account}/allocation"
        r = await client.put(
            url, headers=fin, json={"effective_from": start, "splits": split(budgets, **shares)}
        )
        assert r.status_code == 422, r.text
        assert field in [e["field"] for e in r.json()["errors"]]
        assert (await client.get(url, headers=fin)).json() == []

    async def test_duplicate_unknown_and_wrong_year_budgets(self, client, world):
        fin, budgets, account = world["finance"], world["budgets"], world["accounts"][0]
        url = f"/api/v1/accounts/{account}/allocation"
        sid = budgets["Storefront"]["id"]
        r = await client.put(
            url,
            headers=fin,
            json={
                "effective_from": "2026-09-01",
                "splits": [
                    {"budget_id": sid, "percent": "50"},
                    {"budget_id": sid, "percent": "50"},
                ],
            },
        )
        assert r.status_code == 422
        assert "twice" in r.text
        r = await client.put(
            url,
            headers=fin,
            json={
                "effective_from": "2026-09-01",
                "splits": [{"budget_id": 987654, "percent": "100"}],
            },
        )
        assert r.status_code == 422
        assert "does not exist" in r.text
        r = await client.put(
            url,
            headers=fin,
            json={"effective_from": "2027-02-01", "splits": split(budgets, Storefront="100")},
        )
        assert r.status_code == 422
        assert "belongs to 2026" in r.text
        assert (await client.get(url, headers=fin)).json() == []

    async def test_unknown_account_is_404(self, client, world):
        r = await client.put(
            "/api/v1/accounts/000000000000/allocation",
            headers=world["finance"],
            json={"splits": split(world["budgets"], Storefront="100")},
        )
        assert r.status_code == 404

    async def test_a_remap_must_start_after_the_current_one_and_not_in_a_closed_month(
        self, client, world, container
    ):
        fin, budgets, account = world["finance"], world["budgets"], world["accounts"][0]
        url = f"/api/v1/accounts/{account}/allocation"
        await client.put(
            url,
            headers=fin,
            json={"effective_from": "2026-09-07", "splits": split(budgets, Storefront="100")},
        )
        r = await client.put(
            url,
            headers=fin,
            json={"effective_from": "2026-09-07", "splits": split(budgets, Ledger="100")},
        )
        assert r.status_code == 422
        async with container.sessionmaker() as session:
            await session.execute(
                insert(ClosedPeriodRow), [{"period": "2026-09", "closed_by": "t"}]
            )
            await session.commit()
        r = await client.put(
            url,
            headers=fin,
            json={"effective_from": "2026-09-14", "splits": split(budgets, Ledger="100")},
        )
        assert r.status_code == 422
        assert "closed" in r.text
        assert len((await client.get(url, headers=fin)).json()) == 1

    async def test_owners_cannot_split_and_see_only_their_share(self, client, container, world):
        fin, budgets, account = world["finance"], world["budgets"], world["accounts"][0]
        url = f"/api/v1/accounts/{account}/allocation"
        await client.put(
            url,
            headers=fin,
            json={
                "effective_from": "2026-09-01",
                "splits": split(budgets, Storefront="70", Ledger="30"),
            },
        )
        po = await owner_of(
            client,
            container,
            fin,
            role=Role.PORTFOLIO_OWNER,
            node_path=["Corporate", "Finance", "ERP"],
        )
        assert (
            await client.put(url, headers=po, json={"splits": split(budgets, Ledger="100")})
        ).status_code == 403
        mine = (await client.get(url, headers=po)).json()
        assert [[s["budget_id"] for s in v["splits"]] for v in mine] == [[budgets["Ledger"]["id"]]]
        other = world["accounts"][1]
        assert (
            await client.get(f"/api/v1/accounts/{other}/allocation", headers=po)
        ).status_code == 404
        summary = (await client.get("/api/v1/allocation-summary", headers=po)).json()
        assert sum(len(v) for v in summary.values()) == 1
