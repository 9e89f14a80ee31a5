from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from adapters.clock import FixedClock
from api.demo import (
    DEMO_CHART,
    DEMO_PASSWORD,
    DEMO_SCHEDULES,
    DEMO_SCOPES,
    DEMO_USERS,
    demo_logins,
    demo_spend_plan,
    load_demo,
)
from api.demo.plan import DEMO_REMAP, DEMO_SPIKE, generate_demo_cur
from api.demo.schedules import demo_schedule_plan
from domain.spend_cards.figures import DEFAULT_BANDS, Colour
from tests.demo_seed import DEMO_DAY, DEMO_POSTGRES, drop_copy
from tests.factories import token_for


async def login(client, email):
    return {"Authorization": "Bearer " + await token_for(client, email, DEMO_PASSWORD)}


class TestDemo:
    async def test_the_demo_loads_once_and_shows_every_capability(self, settings, client):
        """One load (and a second that changes nothing) read by every check below: each
        demo load is half a minute of the suite."""
        first = await load_demo(settings)
        await load_demo(settings)  # idempotent: nothing doubles, credits are not recorded twice
        assert len(first.users) == len(DEMO_USERS)
        await self._living_organisation(client)
        await self._spend_accounts_splits_claims_and_schedules(client)
        await self._the_years_spend_cards_in_every_state(client)
        await self._the_newest_cards_open_for_the_product_owner(client)
        await self._credits_used_void_and_expiring_unused(client)
        await self._a_closed_month_with_its_files_and_history(client)
        await self._recommendations_in_every_state(client)
        await self._the_load_test_is_an_anomaly(client)
        await self._a_service_account_and_a_webhook_subscription(client)

    async def _the_load_test_is_an_anomaly(self, client):
        po = await login(client, "product@demo.finops")
        found = (await client.get("/api/v1/anomalies", headers=po)).json()["items"]
        assert {(a["name"], a["day"]) for a in found} == {("Checkout", str(DEMO_SPIKE[0]))}
        # the Summary's panel (the newest 10 in scope) shows it
        newest = (await client.get("/api/v1/anomalies", headers=po, params={"limit": 10})).json()
        assert str(DEMO_SPIKE[0]) in {a["day"] for a in newest["items"]}
        notices = (await client.get("/api/v1/notifications", headers=po)).json()
        assert any(n["kind"] == "anomaly" and "2026-08-12" in n["message"] for n in notices)

    async def _a_service_account_and_a_webhook_subscription(self, client):
        admin = await login(client, "admin@demo.finops")
        accounts = (await client.get("/api/v1/service-accounts", headers=admin)).json()
        assert [a["name"] for a in accounts["items"]] == ["Nightly FP&A export"]
        tokens = (
            await client.get(
                f"/api/v1/service-accounts/{accounts['items'][0]['id']}/tokens", headers=admin
            )
        ).json()
        assert sorted(t["status"] for t in tokens) == ["active", "revoked"]
        [sub] = (await client.get("/api/v1/webhook-subscriptions", headers=admin)).json()
        assert sub["url"].startswith("https://")
        assert sub["is_active"] is False

    async def _living_organisation(self, client):
        fin = await login(client, "fin@demo.finops")
        budgets = (await client.get("/api/v1/budgets", headers=fin, params={"year": 2026})).json()
        assert budgets["total"] == len(DEMO_CHART)
        assert len({row[0] for row in DEMO_CHART}) == 4
        po = await login(client, "portfolio@demo.finops")
        mine = (await client.get("/api/v1/budgets", headers=po, params={"year": 2026})).json()
        assert {b["portfolio"] for b in mine["items"]} == {"Web Storefront"}
        assert mine["total"] == sum(1 for row in DEMO_CHART if row[2] == "Web Storefront")

    async def _spend_accounts_splits_claims_and_schedules(self, client):
        fin = await login(client, "fin@demo.finops")
        periods = (await client.get("/api/v1/billing-periods", headers=fin)).json()
        assert periods
        assert periods[0]["finalized"]
        plan = demo_spend_plan(date.today())
        accounts = (await client.get("/api/v1/accounts", headers=fin)).json()
        assert len(accounts) == len({a for a, _ in plan.monthly_spend})
        summary = (await client.get("/api/v1/allocation-summary", headers=fin)).json()
        versions = len(plan.splits) + sum(len(s.remaps) for s in plan.splits)
        assert sum(len(v) for v in summary.values()) == versions
        # the remap: the data platform's account has its January split and the July one
        remapped = plan.splits[DEMO_REMAP[0]].account_id
        history = (await client.get(f"/api/v1/accounts/{remapped}/allocation", headers=fin)).json()
        assert [v["effective_from"] for v in history] == ["2026-01-01", str(DEMO_REMAP[1])]
        ids = {
            b["product"]: b["id"]
            for b in (
                await client.get("/api/v1/budgets", headers=fin, params={"year": 2026})
            ).json()["items"]
        }
        launched = ids[DEMO_REMAP[2]]
        assert [launched in {s["budget_id"] for s in v["splits"]} for v in history] == [
            False,
            True,
        ]
        claims = (await client.get("/api/v1/claims", headers=fin)).json()
        assert len(claims) == 8  # Checkout API's 5 (from March), Fraud scoring's 3 (June)
        statuses = {
            b["product"]: b["schedule_status"]
            for b in (
                await client.get("/api/v1/budgets", headers=fin, params={"year": 2026})
            ).json()["items"]
        }
        assert (statuses["Checkout"], statuses["Catalog Service"], statuses["Search"]) == (
            "approved",
            "pending",
            "rejected",
        )
        # approved, then raised from December: the amount in force left the schedule behind
        assert statuses["Push Notifications"] == "needs_reschedule"
        pf = await login(client, "portfolio@demo.finops")
        tasks = (await client.get("/api/v1/tasks", headers=pf)).json()
        assert [t["kind"] for t in tasks if t["card_id"] is None] == ["schedule.approve"]

    async def _the_years_spend_cards_in_every_state(self, client):
        fin = await login(client, "fin@demo.finops")
        cards = (await client.get("/api/v1/spend-cards", headers=fin)).json()
        checkout = [c for c in cards if c["budget_path"][-1] == "Checkout"]
        assert {c["period_start"][:7] for c in checkout} >= {"2026-01", "2026-02"}
        approved = {
            name for name, (state, _, _) in demo_schedule_plan().items() if state == "approved"
        }
        assert {c["budget_path"][-1] for c in cards} == approved
        decided = {c["status"] for c in checkout} - {"open"}
        assert decided == {"accepted", "approved", "disputed", "rejected", "resolved"}
        pf = await login(client, "portfolio@demo.finops")
        tasks = (await client.get("/api/v1/tasks", headers=pf)).json()
        waiting = {t["status"] for t in tasks if t["card_id"] is not None}
        assert waiting == {"accepted", "disputed", "rejected"}

    async def _the_newest_cards_open_for_the_product_owner(self, client):
        # the Product Owner always has cards to accept or dispute, even early in a month
        owner = await login(client, "product@demo.finops")
        tasks = (await client.get("/api/v1/tasks", headers=owner)).json()
        cards = [t for t in tasks if t["card_id"] is not None]
        assert len(cards) >= 2
        assert all(t["status"] == "open" and t["actions"] == ["accept", "dispute"] for t in cards)

    async def _credits_used_void_and_expiring_unused(self, client):
        fin = await login(client, "fin@demo.finops")
        credits = (await client.get("/api/v1/credits", headers=fin)).json()
        by_ref = {c["reference"]: c for c in credits}
        assert len(credits) == 5
        assert {c["program"] for c in credits} == {"MAP", "PoC", "Activate", "Other"}
        assert by_ref["SUP-0042"]["status"] == "void"
        assert by_ref["ACT-6120"]["editable"] is True
        detail = (
            await client.get(f"/api/v1/credits/{by_ref['MAP-2026-014']['id']}", headers=fin)
        ).json()
        assert len(detail["ledger"]) >= 2
        # the PoC credit expired mid-March: it covered only the 1st–20th and kept a balance
        poc = (await client.get(f"/api/v1/credits/{by_ref['POC-7731']['id']}", headers=fin)).json()
        assert [e["period"] for e in poc["ledger"]] == ["2026-03"]
        assert Decimal(poc["balance"]) > 0
        forecast = (
            await client.get(
                "/api/v1/credits/forecast", headers=fin, params={"unused_only": "true"}
            )
        ).json()
        assert "ACT-5502" in {f["reference"] for f in forecast}
        owner = await login(client, "product@demo.finops")
        mine = (await client.get("/api/v1/credits", headers=owner)).json()
        assert {c["budget_path"][-1] for c in mine} == {"Checkout"}

    async def _a_closed_month_with_its_files_and_history(self, client):
        fin = await login(client, "fin@demo.finops")
        periods = (await client.get("/api/v1/closes", headers=fin)).json()
        closed = [p["period"] for p in periods if p["closed"]]
        assert closed == ["2026-01"]
        body = (await client.get("/api/v1/closes/2026-01", headers=fin)).json()
        assert [e["kind"] for e in body["history"]] == ["close", "reopen", "close"]
        assert [f["name"] for f in body["files"]] == [
            "accounts-payable-2026-01.csv",
            "accruals-2026-01.csv",
            "approved-spending-2026-01.csv",
        ]
        assert all(f["rows"] > 0 for f in body["files"])  # the FP&A file too: schedules approved
        assert [f["sha256"] for f in body["history"][0]["files"]] == [
            f["sha256"] for f in body["files"]
        ]
        feb = (await client.get("/api/v1/closes/2026-02", headers=fin)).json()
        assert feb["version"] == 1
        assert [m["field"] for m in feb["readiness"]["missing"]] == ["internal_memo"]

    async def _recommendations_in_every_state(self, client):
        # the synthetic export is imported and decided into every state
        fin = await login(client, "fin@demo.finops")
        listed = (
            await client.get("/api/v1/recommendations", headers=fin, params={"limit": 1000})
        ).json()
        counts = {t["status"]: t["count"] for t in listed["by_status"]}
        assert all(counts[s] for s in ("new", "approved", "ignored", "implemented", "resolved"))
        assert any(i["in_cur"] and i["budgets"] for i in listed["items"])
        assert any(not i["in_cur"] for i in listed["items"])
        engineer = await login(client, "engineer@demo.finops")
        tasks = (await client.get("/api/v1/tasks", headers=engineer)).json()
        assert [t for t in tasks if t["kind"] == "recommendation.implement"]
        top = (await client.get("/api/v1/recommendations/top", headers=fin)).json()
        assert top["items"]
        assert {i["status"] for i in top["items"]} <= {"new", "approved"}


class TestDemoDates:
    """The demo CUR stops yesterday by the clock at load: the current month is partial and not
    final, past months are final."""

    @pytest.mark.parametrize(
        ("today", "until", "months", "final"),
        [
            (date(2026, 12, 2), date(2026, 12, 1), 12, 11),
            (date(2026, 9, 16), date(2026, 9, 15), 9, 8),
            (date(2026, 7, 1), date(2026, 6, 30), 6, 6),  # June ended yesterday: final
            (date(2027, 3, 4), date(2026, 12, 31), 12, 12),  # after the demo year: all final
        ],
    )
    def test_the_plan_stops_yesterday(self, today, until, months, final):
        plan = demo_spend_plan(today)
        assert (plan.until, plan.months, plan.final_months) == (until, months, final)
        assert max(p for _, p in plan.monthly_spend) == f"{until:%Y-%m}"

    def test_splits_total_100_and_the_last_account_stays_unallocated(self):
        plan = demo_spend_plan(DEMO_DAY)
        for split in plan.splits:
            for shares in [split.shares, *(s for _, s in split.remaps)]:
                assert sum(Decimal(pct) for _, pct in shares) == Decimal("100.00")
        accounts = {a for a, _ in plan.monthly_spend}
        assert len(plan.splits) == len(accounts) - 1
        assert sum(len(s.remaps) for s in plan.splits) == 1

    def test_most_products_spend_on_some_account(self):
        plan = demo_spend_plan(DEMO_DAY)
        spending = {
            p for s in plan.splits for _, shares in [("", s.shares), *s.remaps] for p, _ in shares
        }
        products = {row[3] for row in DEMO_CHART}
        assert spending <= products
        assert len(spending) >= 0.9 * len(products)

    def test_the_months_already_over_do_not_move_with_the_load_day(self, tmp_path):
        """The CUR of a month that ended is the same rows whatever day the demo is loaded on
        (the load test of 12 August included): only the month in progress grows."""
        early, late = date(2026, 9, 16), date(2026, 12, 3)
        written = {
            day: generate_demo_cur(tmp_path / str(day), demo_spend_plan(day))
            for day in (early, late)
        }

        def month(day: date, period: str) -> list[bytes]:
            return [p.read_bytes() for p in written[day] if f"BILLING_PERIOD={period}" in str(p)]

        for period in ("2026-07", "2026-08"):
            assert month(early, period) == month(late, period)
        assert month(early, "2026-09") != month(late, "2026-09")

    @staticmethod
    async def the_loaded_cur_stops_yesterday(client):
        """Checked on the demo loaded on `DEMO_DAY` by `TestDemoSpend` (one load for both)."""
        fin = await login(client, "fin@demo.finops")
        periods = (await client.get("/api/v1/billing-periods", headers=fin)).json()
        assert [p["period"] for p in periods] == [f"2026-{m:02d}" for m in range(1, 10)]
        assert [p["finalized"] for p in periods] == [True] * 8 + [False]
        assert all(p["invoice_ids"] for p in periods[:-1])
        assert periods[-1]["invoice_ids"] == []
        days = (
            await client.get(
                "/api/v1/spend", headers=fin, params={"period": "2026-09", "group_by": "day"}
            )
        ).json()["rows"]
        assert max(r["day"] for r in days if Decimal(r["amount"]) != 0) == str(
            DEMO_DAY - timedelta(days=1)
        )


class TestDemoSpend:
    """Read on a copy of the demo loaded on `DEMO_DAY` (`tests/demo_seed.py`: loaded once per
    database and shared with the Schemathesis runs)."""

    @pytest.fixture(params=["sqlite", pytest.param("postgres", marks=DEMO_POSTGRES)])
    def database_url(self, request, demo_seeds, tmp_path):
        copy = demo_seeds.copy(request.param, tmp_path, request)
        try:
            yield copy.url  # `settings` reads the data folder from tmp_path / "data"
        finally:
            drop_copy(copy)

    async def test_budgets_fall_in_every_colour_band_with_a_trend(
        self, settings, client, container
    ):
        """Year to date (the final months), each approved budget's spend against its approved
        schedule lands in a colour band, and every band is taken."""
        assert settings.data_dir.is_dir()  # the seed's CUR store, copied
        container.clock = FixedClock.on(DEMO_DAY)
        await TestDemoDates.the_loaded_cur_stops_yesterday(client)
        fin = await login(client, "fin@demo.finops")
        final = [
            p["period"]
            for p in (await client.get("/api/v1/billing-periods", headers=fin)).json()
            if p["finalized"]
        ]
        budgets = (
            await client.get("/api/v1/budgets", headers=fin, params={"year": 2026, "limit": 100})
        ).json()["items"]
        by_name = {b["product"]: b for b in budgets}
        monthly: dict[str, dict[str, Decimal]] = {}
        for period in final:
            rows = (
                await client.get(
                    "/api/v1/spend", headers=fin, params={"period": period, "group_by": "budget"}
                )
            ).json()["rows"]
            for row in rows:
                if row["budget_id"] is not None:
                    monthly.setdefault(period, {})[row["budget_id"]] = Decimal(row["amount"])
        colours: dict[str, Colour] = {}
        for name, (state, _, _) in demo_schedule_plan().items():
            if state != "approved":
                continue
            budget = by_name[name]
            schedule = (
                await client.get(f"/api/v1/budgets/{budget['id']}/schedule", headers=fin)
            ).json()
            assert schedule["status"] == "approved"
            planned = sum(
                (Decimal(m["amount"]) for m in schedule["months"] if m["month"] in final),
                Decimal(0),
            )
            spent = sum((monthly[p].get(budget["id"], Decimal(0)) for p in final), Decimal(0))
            colours[name] = DEFAULT_BANDS.colour(spent.quantize(Decimal("0.01")), planned)
        assert set(colours.values()) == set(Colour), colours
        # the heat map has several tiles of each colour, not one
        assert all(list(colours.values()).count(c) >= 3 for c in Colour), colours
        assert colours["Kubernetes Platform"] is Colour.BLACK
        assert colours["Observability"] is Colour.GREEN
        assert colours["iOS App Backend"] is Colour.ORANGE
        assert colours["Checkout"] is Colour.RED
        # a trend: spend grows over the year; Checkout's August holds the load-test spike
        total = {p: sum(v.values(), Decimal(0)) for p, v in monthly.items()}
        assert total["2026-08"] > total["2026-01"] * Decimal("1.3")
        checkout = by_name["Checkout"]["id"]
        # Checkout's days, as its Product Owner sees them
        po = await login(client, "product@demo.finops")
        days = (
            await client.get(
                "/api/v1/spend", headers=po, params={"period": "2026-08", "group_by": "day"}
            )
        ).json()["rows"]
        # the 1st carries the month's fees (tax, reservations): the spike is the other days' top
        by_day = {r["day"]: Decimal(r["amount"]) for r in days if r["day"] != "2026-08-01"}
        others = sorted(v for d, v in by_day.items() if d != "2026-08-12")
        assert by_day["2026-08-12"] > 2 * others[-1]
        assert monthly["2026-08"][checkout] > monthly["2026-07"][checkout] * Decimal("1.1")


class TestDemoOwners:
    def test_every_scheduled_product_has_a_product_and_a_portfolio_owner(self):
        roles = {email: role.value for role, email, _ in DEMO_USERS}
        for product, (_, owner, decider) in DEMO_SCHEDULES.items():
            assert roles[owner] == "product_owner"
            assert roles[decider] == "portfolio_owner"
            assert any(p[-1] == product for p in DEMO_SCOPES[owner])
            portfolio = next(p for p in DEMO_SCOPES[owner] if p[-1] == product)[:-1]
            assert portfolio in DEMO_SCOPES[decider]

    def test_every_portfolio_has_an_owner_who_decides_its_schedules(self):
        roles = {email: role.value for role, email, _ in DEMO_USERS}
        portfolios = {row[:3] for row in DEMO_CHART}
        owned = {
            p for e, paths in DEMO_SCOPES.items() if roles[e] == "portfolio_owner" for p in paths
        }
        assert portfolios == owned
        for product, (_, owner, decider) in demo_schedule_plan().items():
            assert roles[owner] in ("product_owner", "financial_admin")
            portfolio = next(row[:3] for row in DEMO_CHART if row[3] == product)
            assert portfolio in DEMO_SCOPES[decider]

    def test_every_log_in_is_printed_with_what_it_sees(self):
        printed = demo_logins()
        assert [u.email for u in printed.users] == [e for _, e, _ in DEMO_USERS]
        assert all(u.sees for u in printed.users)
