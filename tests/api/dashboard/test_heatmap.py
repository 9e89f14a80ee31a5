"""The heat map, its rows and drill-down, on the shared organisation: Checkout (approved,
100.00 a month) takes every account's spend from October 2026; Search and Ledger have no
approved schedule."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from adapters.clock import FixedClock
from tests.api.orgs import split

CENT = Decimal("0.01")
URL = "/api/v1/dashboard/heatmap"


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


async def spend_of(client, headers, period, budget) -> Decimal:
    r = await client.get("/api/v1/spend", headers=headers, params={"period": period})
    assert r.status_code == 200, r.text
    found = [Decimal(x["amount"]) for x in r.json()["rows"] if x["budget_id"] == budget]
    return cents(sum(found, Decimal(0)))


async def heatmap(client, headers, **params):
    r = await client.get(URL, headers=headers, params={"year": 2026, **params})
    assert r.status_code == 200, r.text
    return r.json()


class TestTiles:
    async def test_annual_is_the_year_to_date_against_the_schedule_due(
        self, client, container, org
    ):
        container.clock = FixedClock.on(date(2026, 11, 16))
        fin, budget = org["fin"], org["budget"]
        spent = await spend_of(client, fin, "2026-10", budget) + await spend_of(
            client, fin, "2026-11", budget
        )
        body = await heatmap(client, fin)
        assert body["month"] is None
        assert body["labels"] == ["BU", "Dept", "Portfolio", "Product"]
        assert [t["name"] for t in body["tiles"]][0] == "Checkout"  # the most spend first
        checkout = next(t for t in body["tiles"] if t["budget_id"] == budget)
        assert Decimal(checkout["spend"]) == spent
        # ten months in full and November pro-rated to yesterday: 100 ÷ 30 × 15
        assert Decimal(checkout["budget"]) == Decimal("1050.00")
        assert Decimal(checkout["variance"]) == spent - Decimal("1050.00")
        assert Decimal(checkout["ratio"]) == (spent / Decimal("1050.00")).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        )
        assert checkout["approved"] is True
        search = next(t for t in body["tiles"] if t["name"] == "Search")
        assert (search["approved"], search["budget"], search["ratio"]) == (False, None, None)
        assert Decimal(search["annual_amount"]) == Decimal("600.00")
        assert Decimal(body["total"]["spend"]) == spent
        assert body["periods"] == ["2026-10", "2026-11"]

    async def test_monthly_shows_one_month(self, client, container, org):
        container.clock = FixedClock.on(date(2026, 11, 16))
        fin, budget = org["fin"], org["budget"]
        october = await spend_of(client, fin, "2026-10", budget)
        body = await heatmap(client, fin, month=10)
        checkout = next(t for t in body["tiles"] if t["budget_id"] == budget)
        assert (Decimal(checkout["spend"]), Decimal(checkout["budget"])) == (
            october,
            Decimal("100.00"),
        )
        assert body["periods"] == ["2026-10"]

    async def test_tiles_roll_up_to_a_level(self, client, container, org):
        container.clock = FixedClock.on(date(2026, 11, 16))
        body = await heatmap(client, org["fin"], level=1)
        assert sorted(t["name"] for t in body["tiles"]) == ["Corporate", "Retail"]
        retail = next(t for t in body["tiles"] if t["name"] == "Retail")
        assert (retail["budgets"], retail["approved_budgets"]) == (2, 1)
        assert retail["budget_id"] is None

    async def test_the_approved_spend_is_the_spend_of_the_approved_budgets_only(
        self, client, container, org
    ):
        """Search (not approved) takes half of November: the total's spend counts it, its
        approved spend (what the variance measures) does not."""
        container.clock = FixedClock.on(date(2026, 11, 16))
        fin, checkout, o = org["fin"], org["budget"], org["o"]
        search = o.budget("Search")
        await split(
            client,
            o,
            {account: {checkout: "50", search: "50"} for account in o.accounts},
            effective_from="2026-11-01",
        )
        spent = {
            b: await spend_of(client, fin, "2026-10", b) + await spend_of(client, fin, "2026-11", b)
            for b in (checkout, search)
        }
        assert spent[search] > 0
        body = await heatmap(client, fin)
        total = body["total"]
        assert Decimal(total["spend"]) == spent[checkout] + spent[search]
        assert Decimal(total["approved_spend"]) == spent[checkout]
        assert Decimal(total["variance"]) == spent[checkout] - Decimal(total["budget"])
        approved = [Decimal(t["spend"]) for t in body["tiles"] if t["approved"]]
        assert Decimal(total["approved_spend"]) == sum(approved, Decimal(0))
        tile = next(t for t in body["tiles"] if t["budget_id"] == search)
        assert (tile["approved"], tile["approved_spend"]) == (False, None)
        retail = next(r for r in body["rows"] if r["name"] == "Retail")
        assert Decimal(retail["approved_spend"]) == spent[checkout]

    async def test_a_month_not_begun_is_refused_naming_the_field(self, client, container, org):
        container.clock = FixedClock.on(date(2026, 11, 16))
        r = await client.get(URL, headers=org["fin"], params={"year": 2026, "month": 12})
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "month"


class TestDrillDown:
    async def test_rows_breadcrumbs_and_the_products_months(self, client, container, org):
        container.clock = FixedClock.on(date(2026, 11, 16))
        fin, budget = org["fin"], org["budget"]
        top = await heatmap(client, fin)
        assert [(r["name"], r["level"]) for r in top["rows"]] == [
            ("Corporate", 1),
            ("Retail", 1),
        ]
        assert top["breadcrumbs"] == []
        retail = next(r for r in top["rows"] if r["name"] == "Retail")
        assert Decimal(retail["spend"]) == Decimal(top["total"]["spend"])
        node = retail["node_id"]
        for expected in ("Digital", "Web", "Checkout"):
            body = await heatmap(client, fin, node_id=node)
            assert body["node"]["node_id"] == node
            row = next(r for r in body["rows"] if r["name"] == expected)
            node = row["node_id"]
        product = await heatmap(client, fin, node_id=node)
        assert [c["name"] for c in product["breadcrumbs"]] == [
            "Retail",
            "Digital",
            "Web",
            "Checkout",
        ]
        assert product["rows"] == []
        months = product["product"]["months"]
        assert product["product"]["budget_id"] == budget
        assert product["product"]["status"] == "approved"
        assert [m["month"] for m in months] == [f"2026-{n:02d}" for n in range(1, 13)]
        october = await spend_of(client, fin, "2026-10", budget)
        november = await spend_of(client, fin, "2026-11", budget)
        assert Decimal(months[9]["actual"]) == october
        assert Decimal(months[10]["cumulative_actual"]) == october + november
        assert months[11]["actual"] is None  # December has not begun
        assert Decimal(months[11]["cumulative_scheduled"]) == Decimal("1200.00")

    async def test_workload_estimates_accumulate_from_their_launch(self, client, container, org):
        container.clock = FixedClock.on(date(2026, 11, 16))
        fin, budget = org["fin"], org["budget"]
        accounts = (await client.get("/api/v1/accounts", headers=fin)).json()
        r = await client.post(
            "/api/v1/workloads",
            headers=fin,
            json={
                "budget_id": budget,
                "account_id": accounts[0]["account_id"],
                "name": "Checkout API",
                "calculator_url": "https://calculator.aws/#/estimate?id=dash",
                "monthly_estimate": "40.00",
                "launch_month": "2026-11",
            },
        )
        assert r.status_code == 201, r.text
        tree = await heatmap(client, fin, level=4)
        checkout = next(t for t in tree["tiles"] if t["budget_id"] == budget)
        body = await heatmap(client, fin, node_id=checkout["node_id"])
        months = body["product"]["months"]
        assert [Decimal(m["estimate"]) for m in months[9:]] == [
            Decimal("0.00"),
            Decimal("40.00"),
            Decimal("40.00"),
        ]
        assert Decimal(months[11]["cumulative_estimate"]) == Decimal("80.00")


class TestScope:
    async def test_an_owner_sees_only_their_subtree(self, client, container, org):
        container.clock = FixedClock.on(date(2026, 11, 16))
        body = await heatmap(client, org["bu"])
        assert [r["name"] for r in body["rows"]] == ["Retail"]
        assert {t["name"] for t in body["tiles"]} == {"Checkout", "Search"}
        other = await heatmap(client, org["other_pf"])
        assert [r["name"] for r in other["rows"]] == ["ERP"]
        assert [t["name"] for t in other["tiles"]] == ["Ledger"]
        assert Decimal(other["total"]["spend"]) == Decimal("0.00")

    async def test_a_node_outside_the_scope_is_not_found(self, client, container, org):
        container.clock = FixedClock.on(date(2026, 11, 16))
        erp = (await heatmap(client, org["other_pf"]))["rows"][0]["node_id"]
        for path in (URL, "/api/v1/dashboard/monthly"):
            r = await client.get(path, headers=org["bu"], params={"node_id": erp, "year": 2026})
            assert r.status_code == 404, r.text
            missing = await client.get(path, headers=org["fin"], params={"node_id": 999_999})
            assert missing.status_code == 404
