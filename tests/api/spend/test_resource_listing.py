"""The resources page's list: the last full month by default, the biggest spenders first,
paged with a total; cost on claimed resources too; a Cloud Engineer sees every account."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from adapters.cur.generator import generate_cur
from domain.identity.roles import Role
from tests.factories import auth_headers

CHART = "BU,Dept,Portfolio,Product,Amount\nRetail,Digital,Web,Checkout,60000\n"


@pytest.fixture
def cur_dir(settings, tmp_path):
    # September and October 2026; September final (it carries an invoice id), October not
    out = tmp_path / "cur"
    generate_cur(out, rows=6_000, accounts=4, resources=60, months=2, start="2026-09")
    settings.cur_path = str(out)
    return out


@pytest.fixture
async def finance(client, container, cur_dir):  # noqa: ARG001 (the CUR to refresh)
    headers = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
    assert (await client.post("/api/v1/cur/refresh", headers=headers)).status_code == 200
    return headers


def costs_of(cur_dir, period):
    """Each resource's unblended cost in `period`, straight from the CUR."""
    rows = duckdb.sql(
        "SELECT line_item_usage_account_id, line_item_resource_id, "
        "sum(line_item_unblended_cost::DECIMAL(20,10)) "
        f"FROM read_parquet('{cur_dir}/**/*.parquet') WHERE line_item_resource_id <> '' "
        f"AND strftime(bill_billing_period_start_date, '%Y-%m') = '{period}' GROUP BY ALL"
    ).fetchall()
    return {(a, r): Decimal(c) for a, r, c in rows}


async def every_page(client, headers, **params):
    pages, offset = [], 0
    while True:
        page = (
            await client.get(
                "/api/v1/resources", headers=headers, params={**params, "offset": offset}
            )
        ).json()
        pages.append(page)
        offset += len(page["items"])
        if offset >= page["total"] or not page["items"]:
            return pages


class TestDefaultOrder:
    async def test_the_last_full_month_biggest_first(self, client, finance, cur_dir):
        page = (await client.get("/api/v1/resources", headers=finance)).json()
        assert page["period"] == "2026-09"
        assert {r["period"] for r in page["items"]} == {"2026-09"}
        expected = costs_of(cur_dir, "2026-09")
        costs = [Decimal(r["cost"]) for r in page["items"]]
        assert costs == sorted(costs, reverse=True)
        assert costs[0] == max(expected.values()).quantize(costs[0])
        assert page["total"] == len(expected)

    async def test_offset_pages_cover_every_resource_once_in_cost_order(
        self, client, finance, cur_dir
    ):
        pages = await every_page(client, finance, limit=7)
        assert len(pages) > 2
        assert {p["total"] for p in pages} == {len(costs_of(cur_dir, "2026-09"))}
        items = [r for p in pages for r in p["items"]]
        keys = [(r["account_id"], r["resource_id"]) for r in items]
        assert len(keys) == len(set(keys)) == pages[0]["total"]
        costs = [Decimal(r["cost"]) for r in items]
        assert costs == sorted(costs, reverse=True)

    async def test_cursor_pages_in_cost_order_too(self, client, finance, cur_dir):
        seen, cursor = [], None
        while True:
            params = {"limit": 9, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/api/v1/resources", headers=finance, params=params)).json()
            seen += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(costs_of(cur_dir, "2026-09"))
        costs = [Decimal(r["cost"]) for r in seen]
        assert costs == sorted(costs, reverse=True)

    async def test_by_resource_id_on_request_and_an_explicit_period(self, client, finance, cur_dir):
        page = (
            await client.get(
                "/api/v1/resources",
                headers=finance,
                params={"sort": "resource", "period": "2026-10", "limit": 500},
            )
        ).json()
        assert page["period"] == "2026-10"
        ids = [(r["resource_id"], r["account_id"]) for r in page["items"]]
        assert ids == sorted(ids)
        assert page["total"] == len(costs_of(cur_dir, "2026-10"))

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"offset": 3, "cursor": "WyIxIiwiYSIsImIiXQ"}, "offset"),
            ({"cursor": "not-a-cursor!"}, "cursor"),
            ({"offset": -1}, "offset"),
            ({"sort": "price"}, "sort"),
        ],
    )
    async def test_bad_paging_is_422_naming_the_field(self, client, finance, params, field):
        r = await client.get("/api/v1/resources", headers=finance, params=params)
        assert r.status_code == 422
        assert field in r.text


class TestClaimedAndEngineer:
    async def test_claimed_resources_show_their_cost(self, client, finance):
        r = await client.post(
            "/api/v1/budget-imports",
            headers=finance,
            files={"file": ("C_2026_true_2026-01-01_false_Budget_v1.csv", CHART.encode())},
        )
        assert r.status_code == 201, r.text
        await client.post("/api/v1/accounts/discover", headers=finance)
        budget = (
            await client.get("/api/v1/budgets", headers=finance, params={"year": 2026})
        ).json()["items"][0]
        top = (await client.get("/api/v1/resources", headers=finance)).json()["items"][0]
        w = await client.post(
            "/api/v1/workloads",
            headers=finance,
            json={
                "budget_id": budget["id"],
                "name": "Checkout API",
                "account_id": top["account_id"],
                "calculator_url": "https://calculator.aws/#/estimate?id=x",
                "monthly_estimate": "100.00",
                "launch_month": "2026-09",
            },
        )
        assert w.status_code == 201, w.text
        r = await client.post(
            f"/api/v1/workloads/{w.json()['id']}/claims",
            headers=finance,
            json={"resource_ids": [top["resource_id"]], "effective_from": "2026-09-01"},
        )
        assert r.status_code == 201, r.text
        claimed = (
            await client.get("/api/v1/resources", headers=finance, params={"status": "claimed"})
        ).json()
        assert claimed["total"] == 1
        assert claimed["items"][0]["cost"] == top["cost"]
        assert Decimal(claimed["items"][0]["cost"]) != 0

    @pytest.mark.usefixtures("finance")
    async def test_an_unmapped_cloud_engineer_sees_every_accounts_resources(
        self, client, container, cur_dir
    ):
        engineer = await auth_headers(client, container, role=Role.CLOUD_ENGINEER)
        owner = await auth_headers(client, container, role=Role.PRODUCT_OWNER)
        seen = (await client.get("/api/v1/resources", headers=engineer)).json()
        assert seen["total"] == len(costs_of(cur_dir, "2026-09"))
        assert (await client.get("/api/v1/resources", headers=owner)).json()["total"] == 0
