"""Spend by month stacked by child, and an account's spend by service, against `/spend`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from adapters.clock import FixedClock
from tests.api.dashboard.test_heatmap import cents, spend_of


async def account_spend(client, headers, period, account) -> Decimal:
    r = await client.get(
        "/api/v1/spend", headers=headers, params={"period": period, "group_by": "account"}
    )
    found = [Decimal(x["amount"]) for x in r.json()["rows"] if x["account_id"] == account]
    return sum(found, Decimal(0))


class TestMonthly:
    async def test_stacked_by_child_with_the_months_spend(self, client, container, org):
        container.clock = FixedClock.on(date(2026, 11, 16))
        fin, budget = org["fin"], org["budget"]
        r = await client.get("/api/v1/dashboard/monthly", headers=fin, params={"year": 2026})
        assert r.status_code == 200, r.text
        body = r.json()
        assert [s["name"] for s in body["series"]] == ["Corporate", "Retail"]
        retail = body["series"][1]["amounts"]
        october = await spend_of(client, fin, "2026-10", budget)
        assert Decimal(retail[9]) == october
        assert Decimal(body["totals"][9]) == october
        assert Decimal(retail[0]) == Decimal("0.00")

    async def test_an_owner_stacks_their_top_nodes(self, client, container, org):
        container.clock = FixedClock.on(date(2026, 11, 16))
        r = await client.get("/api/v1/dashboard/monthly", headers=org["po"], params={"year": 2026})
        assert [s["name"] for s in r.json()["series"]] == ["Checkout"]


class TestAccountServices:
    async def test_services_add_up_to_the_accounts_spend(self, client, container, org):
        container.clock = FixedClock.on(date(2026, 11, 16))
        fin = org["fin"]
        account = (await client.get("/api/v1/accounts", headers=fin)).json()[0]["account_id"]
        r = await client.get(
            f"/api/v1/dashboard/accounts/{account}/services", headers=fin, params={"year": 2026}
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert len(body["series"]) > 1
        totals = [Decimal(s["total"]) for s in body["series"]]
        assert totals == sorted(totals, reverse=True)
        october = sum((Decimal(s["amounts"][9]) for s in body["series"]), Decimal(0))
        assert october == Decimal(body["totals"][9])
        # each service's month is rounded to the cent: the sum is within a cent per service
        exact = await account_spend(client, fin, "2026-10", account)
        assert abs(october - cents(exact)) <= Decimal("0.01") * len(body["series"])

    async def test_an_account_outside_the_scope_is_not_found(self, client, container, org):
        container.clock = FixedClock.on(date(2026, 11, 16))
        account = (await client.get("/api/v1/accounts", headers=org["fin"])).json()[0]
        url = f"/api/v1/dashboard/accounts/{account['account_id']}/services"
        assert (await client.get(url, headers=org["other_pf"])).status_code == 404
        mine = await client.get(url, headers=org["po"], params={"year": 2026})
        assert mine.status_code == 200
        assert (
            mine.json()["totals"]
            == (await client.get(url, headers=org["fin"], params={"year": 2026})).json()["totals"]
        )
