from __future__ import annotations

from decimal import Decimal

from tests.api.reports.test_reports import spend_of


async def forecasts(client, headers, **params):
    r = await client.get(
        "/api/v1/dashboard/forecasts", headers=headers, params={"year": 2026, **params}
    )
    assert r.status_code == 200, r.text
    return r.json()


class TestForecastList:
    async def test_each_budget_in_scope_with_its_forecast_and_overrun(self, client, world):
        body = await forecasts(client, world["fin"])
        assert body["last_day"] == "2026-11-25"
        rows = {r["budget_id"]: r for r in body["items"]}
        assert set(rows) == {world["budget"], world["search"], world["ledger"]}
        checkout = rows[world["budget"]]
        spent = sum(
            [
                await spend_of(client, world["fin"], p, world["budget"])
                for p in ("2026-09", "2026-10", "2026-11")
            ],
            Decimal(0),
        )
        assert Decimal(checkout["actual_to_date"]) == spent.quantize(Decimal("0.01"))
        assert checkout["month"] == "2026-11"
        assert Decimal(checkout["year_end"]) > Decimal(checkout["month_end"]) > 0
        # 100 a month approved against ~6,000 spent a month: overrun long ago
        kinds = {o["kind"]: o for o in checkout["overruns"]}
        assert kinds["year"]["already"] is True
        assert Decimal(kinds["year"]["scheduled"]) == Decimal("1200.00")
        assert kinds["month"]["month"] == "2026-11"
        assert rows[world["search"]]["year_end"] is None  # no spend, no forecast
        assert rows[world["search"]]["overruns"] == []

    async def test_an_owner_sees_only_their_budgets(self, client, world):
        mine = await forecasts(client, world["po"])
        assert [r["budget_id"] for r in mine["items"]] == [world["budget"]]
        other = await forecasts(client, world["other_pf"])
        assert [r["budget_id"] for r in other["items"]] == [world["ledger"]]

    async def test_csv(self, client, world):
        r = await client.get(
            "/api/v1/dashboard/forecasts",
            headers=world["fin"],
            params={"year": 2026, "format": "csv"},
        )
        assert r.status_code == 200
        assert "actual_to_date" in r.text.splitlines()[0]


class TestCumulative:
    async def test_actual_forecast_band_and_schedule(self, client, world):
        r = await client.get(
            f"/api/v1/dashboard/budgets/{world['budget']}/cumulative",
            headers=world["po"],
            params={"year": 2026},
        )
        assert r.status_code == 200, r.text
        body = r.json()
        actual, projected = body["actual"], body["projected"]
        assert (actual[0]["day"], actual[-1]["day"]) == ("2026-01-01", "2026-11-25")
        assert (projected[0]["day"], projected[-1]["day"]) == ("2026-11-26", "2026-12-31")
        assert Decimal(actual[-1]["amount"]) == Decimal(body["forecast"]["actual_to_date"])
        assert Decimal(projected[-1]["amount"]) == Decimal(body["forecast"]["year_end"])
        # one whole month (October) back-tested: too few for a band
        assert body["forecast"]["backtest_months"] == 1
        assert {(p["low"], p["high"]) for p in projected} == {(None, None)}
        assert [m["month"] for m in body["schedule"]][:2] == ["2026-01", "2026-02"]
        assert Decimal(body["schedule"][-1]["cumulative"]) == Decimal("1200.00")
        assert body["estimates"] == []

    async def test_outside_scope_is_not_found_and_a_wrong_year_is_named(self, client, world):
        url = f"/api/v1/dashboard/budgets/{world['budget']}/cumulative"
        r = await client.get(url, headers=world["other_pf"], params={"year": 2026})
        assert r.status_code == 404
        r = await client.get(url, headers=world["fin"], params={"year": 2025})
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "year"
