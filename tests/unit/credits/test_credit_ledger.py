"""The ledger rule: oldest expiry first, up to the month's spend, credits covering only their
own days, exact cents, idempotent re-runs; and the expiry forecast."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.credits.ledger import (
    BudgetMonthSpend,
    DaySpend,
    LedgerCredit,
    apply_month,
    average_burn,
    forecast_expiry,
    settle_month,
)

D = Decimal


def credit(cid, balance, *, start=date(2026, 1, 1), expires=date(2026, 12, 31), applied=None):
    return LedgerCredit(cid, start, expires, D(balance), None if applied is None else D(applied))


def even(period, total, budget_id=1):
    """`total` spread over 30 days of the month, the last one taking the remainder (exact)."""
    year, month = int(period[:4]), int(period[5:])
    first = date(year, month, 1)
    per = (D(total) / 30).quantize(D("0.0000000001"))
    amounts = [per] * 29 + [D(total) - per * 29]
    return BudgetMonthSpend(
        budget_id, tuple(DaySpend(first + timedelta(days=i), a) for i, a in enumerate(amounts))
    )


def daily(budget_id=1, **days):
    """Spend on given days of November 2026: daily(d3="10.00")."""
    return BudgetMonthSpend(
        budget_id,
        tuple(DaySpend(date(2026, 11, int(k[1:])), D(v)) for k, v in sorted(days.items())),
    )


def amounts(apps):
    return {a.credit_id: a.amount for a in apps}


class TestOrder:
    def test_oldest_expiry_first_up_to_the_spend(self):
        apps = apply_month(
            [credit(1, "500.00", expires=date(2027, 6, 30)), credit(2, "80.00")],
            even("2026-11", "300.00"),
            period="2026-11",
        )
        assert amounts(apps) == {2: D("80.00"), 1: D("220.00")}
        assert sum(a.amount for a in apps) == D("300.00")

    def test_ties_on_expiry_go_to_the_earliest_start_then_the_lowest_id(self):
        spend = even("2026-11", "100.00")
        later = credit(1, "100.00", start=date(2026, 6, 1))
        earlier = credit(2, "100.00", start=date(2026, 2, 1))
        assert amounts(apply_month([later, earlier], spend, period="2026-11")) == {2: D("100.00")}
        same = [credit(9, "100.00"), credit(4, "100.00")]
        assert amounts(apply_month(same, spend, period="2026-11")) == {4: D("100.00")}

    def test_a_balance_below_the_spend_is_used_up_and_the_next_credit_takes_the_rest(self):
        apps = apply_month(
            [credit(1, "40.00", expires=date(2026, 11, 30)), credit(2, "1000.00")],
            even("2026-11", "100.00"),
            period="2026-11",
        )
        assert [(a.credit_id, a.amount, a.balance_after) for a in apps] == [
            (1, D("40.00"), D("0.00")),
            (2, D("60.00"), D("940.00")),
        ]


class TestValidity:
    def test_credits_expired_before_the_month_or_not_started_apply_nothing(self):
        apps = apply_month(
            [
                credit(1, "100.00", expires=date(2026, 10, 31)),
                credit(2, "100.00", start=date(2026, 12, 1)),
            ],
            even("2026-11", "100.00"),
            period="2026-11",
        )
        assert apps == []

    def test_a_credit_expiring_mid_month_covers_only_the_spend_of_its_days(self):
        # 10.00 a day for 30 days; the credit is valid on the 1st..10th: at most 100.00
        apps = apply_month(
            [credit(1, "1000.00", expires=date(2026, 11, 10))],
            even("2026-11", "300.00"),
            period="2026-11",
        )
        assert amounts(apps) == {1: D("100.00")}

    def test_a_credit_starting_mid_month_covers_only_its_days(self):
        apps = apply_month(
            [credit(1, "1000.00", start=date(2026, 11, 21))],
            even("2026-11", "300.00"),
            period="2026-11",
        )
        assert amounts(apps) == {1: D("100.00")}

    def test_an_early_expiry_leaves_its_uncovered_days_to_a_longer_credit(self):
        apps = apply_month(
            [
                credit(1, "50.00", expires=date(2026, 11, 10)),
                credit(2, "1000.00", expires=date(2027, 1, 31)),
            ],
            even("2026-11", "300.00"),
            period="2026-11",
        )
        assert amounts(apps) == {1: D("50.00"), 2: D("250.00")}

    def test_the_expiry_day_itself_is_covered(self):
        apps = apply_month(
            [credit(1, "1000.00", expires=date(2026, 11, 3))],
            daily(d3="7.00", d4="9.00"),
            period="2026-11",
        )
        assert amounts(apps) == {1: D("7.00")}


class TestCents:
    def test_amounts_are_rounded_down_to_the_cent_never_above_the_spend(self):
        apps = apply_month([credit(1, "1000.00")], daily(d1="33.3333333333"), period="2026-11")
        assert amounts(apps) == {1: D("33.33")}

    def test_a_month_without_spend_or_with_refunds_only_applies_nothing(self):
        assert apply_month([credit(1, "10.00")], daily(), period="2026-11") == []
        assert apply_month([credit(1, "10.00")], daily(d2="-5.00"), period="2026-11") == []

    def test_a_refund_later_in_the_month_lowers_what_the_month_can_take(self):
        apps = apply_month(
            [credit(1, "100.00", expires=date(2026, 11, 5)), credit(2, "100.00")],
            daily(d1="10.00", d20="-6.00"),
            period="2026-11",
        )
        # credit 1 covers the 1st (10.00) but the month's net spend is 4.00
        assert amounts(apps) == {1: D("4.00")}


class TestAcrossMonths:
    def test_partial_use_across_months_until_the_balance_is_gone(self):
        balance = {1: D("250.00"), 2: D("100.00")}
        expiry = {1: date(2027, 3, 31), 2: date(2026, 12, 15)}
        used: dict[str, dict[int, Decimal]] = {}
        for period in ("2026-10", "2026-11", "2026-12", "2027-01"):
            credits = [credit(c, balance[c], expires=expiry[c]) for c in balance if balance[c] > 0]
            apps = apply_month(credits, even(period, "120.00"), period=period)
            for a in apps:
                balance[a.credit_id] -= a.amount
            used[period] = amounts(apps)
        assert used["2026-10"] == {2: D("100.00"), 1: D("20.00")}
        assert used["2026-11"] == {1: D("120.00")}
        assert used["2026-12"] == {1: D("110.00")}
        assert used["2027-01"] == {}
        assert balance == {1: D("0.00"), 2: D("0.00")}


class TestIdempotence:
    def test_a_second_run_writes_nothing_and_covers_the_same_spend(self):
        spend = even("2026-11", "300.00")
        credits = [credit(1, "100.00", expires=date(2026, 11, 20)), credit(2, "500.00")]
        first = apply_month(credits, spend, period="2026-11")
        after = {a.credit_id: a for a in first}
        again = [
            credit(
                c.id,
                c.balance - after[c.id].amount,
                expires=c.expires_on,
                applied=after[c.id].amount,
            )
            for c in credits
        ]
        assert apply_month(again, spend, period="2026-11") == []

    def test_a_credit_added_after_the_run_takes_only_what_is_left(self):
        spend = even("2026-11", "300.00")
        rerun = [
            credit(1, "0.00", applied="250.00"),
            credit(2, "1000.00", expires=date(2027, 5, 1)),
        ]
        assert amounts(apply_month(rerun, spend, period="2026-11")) == {2: D("50.00")}

    def test_outcomes_mark_what_was_applied_before(self):
        outcomes = settle_month(
            [credit(1, "0.00", applied="10.00")], daily(d1="10.00"), period="2026-11"
        )
        assert [(o.credit_id, o.amount, o.already) for o in outcomes] == [(1, D("10.00"), True)]


cents = st.decimals(min_value=D("0.00"), max_value=D("5000.00"), places=2)
fine = st.decimals(min_value=D("-50"), max_value=D("900"), places=4)


@st.composite
def months(draw):
    credits = []
    for cid in range(1, draw(st.integers(1, 6)) + 1):
        start = date(2026, 10, 1) + timedelta(days=draw(st.integers(0, 75)))
        expires = start + timedelta(days=draw(st.integers(0, 90)))
        credits.append(LedgerCredit(cid, start, expires, draw(cents)))
    days = draw(st.lists(st.tuples(st.integers(1, 30), fine), max_size=40))
    spend = BudgetMonthSpend(1, tuple(DaySpend(date(2026, 11, d), a) for d, a in days))
    return credits, spend


class TestProperties:
    @settings(max_examples=150, deadline=None)
    @given(months())
    def test_never_more_than_the_spend_nor_a_balance_and_always_cents(self, case):
        credits, spend = case
        apps = apply_month(credits, spend, period="2026-11")
        total = sum((a.amount for a in apps), D(0))
        assert total <= max(spend.total(), D(0))
        assert total <= sum((c.balance for c in credits), D(0))
        by_id = {c.id: c for c in credits}
        for a in apps:
            assert a.amount > 0
            assert a.amount == a.amount.quantize(D("0.01"))
            assert a.balance_after >= 0
            assert a.amount <= by_id[a.credit_id].balance
        assert len({a.credit_id for a in apps}) == len(apps)

    @settings(max_examples=100, deadline=None)
    @given(months())
    def test_a_rerun_with_what_was_applied_writes_nothing(self, case):
        credits, spend = case
        first = {a.credit_id: a.amount for a in apply_month(credits, spend, period="2026-11")}
        again = [
            LedgerCredit(
                c.id, c.start_date, c.expires_on, c.balance - first.get(c.id, 0), first.get(c.id)
            )
            for c in credits
        ]
        assert apply_month(again, spend, period="2026-11") == []


class TestForecast:
    def test_a_credit_outlasting_the_burn_rate_expires_with_the_rest(self):
        found = forecast_expiry(
            [credit(1, "1000.00", start=date(2026, 1, 1), expires=date(2027, 1, 31))],
            budget_id=1,
            burn_rate=D("200.00"),
            from_period="2026-11",
        )
        # November, December and January at 200.00 each
        assert [(f.projected_use, f.unused_at_expiry) for f in found] == [
            (D("600.00"), D("400.00"))
        ]

    def test_a_mid_month_expiry_uses_only_its_days_of_the_last_month(self):
        found = forecast_expiry(
            [credit(1, "1000.00", expires=date(2026, 11, 15))],
            budget_id=1,
            burn_rate=D("300.00"),
            from_period="2026-11",
        )
        assert found[0].projected_use == D("150.00")
        assert found[0].unused_at_expiry == D("850.00")

    def test_credits_share_the_burn_oldest_expiry_first(self):
        found = forecast_expiry(
            [
                credit(1, "500.00", expires=date(2026, 12, 31)),
                credit(2, "300.00", expires=date(2026, 11, 30)),
            ],
            budget_id=1,
            burn_rate=D("250.00"),
            from_period="2026-11",
        )
        by_id = {f.credit_id: f for f in found}
        assert by_id[2].unused_at_expiry == D("50.00")
        assert by_id[1].projected_use == D("250.00")
        assert by_id[1].unused_at_expiry == D("250.00")

    def test_no_spend_history_means_the_whole_balance_expires(self):
        found = forecast_expiry(
            [credit(1, "75.00", expires=date(2026, 12, 31))],
            budget_id=1,
            burn_rate=average_burn({}),
            from_period="2026-11",
        )
        assert found[0].unused_at_expiry == D("75.00")

    def test_what_was_applied_this_month_already_counts(self):
        found = forecast_expiry(
            [credit(1, "100.00", expires=date(2026, 11, 30), applied="300.00")],
            budget_id=1,
            burn_rate=D("300.00"),
            from_period="2026-11",
        )
        assert found[0].unused_at_expiry == D("100.00")

    def test_the_burn_rate_is_the_average_to_the_cent(self):
        assert average_burn({"2026-08": D("100"), "2026-09": D("0"), "2026-10": D("0.01")}) == D(
            "33.34"
        )
