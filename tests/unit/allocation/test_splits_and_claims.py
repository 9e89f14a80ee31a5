from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.allocation.splits import (
    BudgetRef,
    SplitShare,
    SplitVersion,
    default_effective_from,
    is_period_start,
    summary_group,
    validate_split,
)
from domain.allocation.workloads import (
    Claim,
    ClaimRequest,
    Workload,
    calculator_url_error,
    claim_start,
    plan_claims,
)
from domain.errors import Conflict, RuleViolation

BUDGETS = {
    1: BudgetRef(1, 2026, True),
    2: BudgetRef(2, 2026, True),
    3: BudgetRef(3, 2025, True),
    4: BudgetRef(4, 2026, False),
}


def version(start, end=None, vid=1):
    return SplitVersion(
        vid,
        "123456789012",
        start,
        end,
        (SplitShare(1, Decimal("100")),),
        "x",
        datetime(2026, 1, 1, tzinfo=UTC),
    )


def check(shares, start=date(2026, 9, 1), latest=None, closed=frozenset(), explicit=True):
    return validate_split(
        shares=shares,
        budgets=BUDGETS,
        effective_from=start,
        latest=latest,
        closed_periods=closed,
        explicit_date=explicit,
    )


class TestSplitRules:
    def test_a_good_split(self):
        assert check([(1, "60"), (2, "40.00")]) == (
            SplitShare(1, Decimal("60.00")),
            SplitShare(2, Decimal("40.00")),
        )

    @pytest.mark.parametrize(
        ("shares", "fragment"),
        [
            ([(1, "60"), (2, "39.99")], "total 99.99"),
            ([(1, "50"), (1, "50")], "twice"),
            ([(1, "0"), (2, "100")], "greater than 0"),
            ([(1, "100.001")], "2 decimals"),
            ([(1, "abc")], "not a number"),
            ([(1, "1e2")], "no exponent"),
            ([(1, "1E2")], "no exponent"),
            ([(1, "NaN")], "not a number"),
            ([(1, "Infinity")], "not a number"),
            ([(9, "100")], "does not exist"),
            ([(3, "100")], "belongs to 2025"),
            ([(4, "100")], "retired"),
            ([], "at least one"),
        ],
    )
    def test_bad_splits(self, shares, fragment):
        with pytest.raises(RuleViolation) as caught:
            check(shares)
        assert fragment in " | ".join(e.message for e in caught.value.errors)

    def test_start_must_be_a_monday_or_a_first(self):
        assert is_period_start(date(2026, 9, 7))  # Monday
        assert is_period_start(date(2026, 9, 1))  # Tuesday, the 1st
        with pytest.raises(RuleViolation):
            check([(1, "100")], start=date(2026, 9, 8))
        # the default date (vended date) need not be a Monday
        assert check([(1, "100")], start=date(2026, 9, 8), explicit=False)

    def test_remap_after_the_latest_and_not_in_a_closed_month(self):
        with pytest.raises(RuleViolation):
            check([(1, "100")], start=date(2026, 9, 7), latest=version(date(2026, 9, 7)))
        with pytest.raises(RuleViolation) as caught:
            check([(1, "100")], start=date(2026, 9, 14), closed={"2026-10"})
        assert "2026-10" in caught.value.errors[0].message
        assert check([(1, "100")], start=date(2026, 11, 2), closed={"2026-10"})

    def test_default_effective_date(self):
        assert default_effective_from(date(2026, 11, 18), date(2026, 11, 27)) == date(2026, 11, 18)
        assert default_effective_from(date(2026, 10, 18), date(2026, 11, 27)) == date(2026, 10, 1)
        assert default_effective_from(None, date(2026, 1, 5)) == date(2025, 12, 1)

    @pytest.mark.parametrize(
        ("start", "end", "group"),
        [
            (date(2026, 12, 7), None, "future"),
            (date(2026, 1, 1), date(2026, 10, 31), "past"),
            (date(2026, 1, 1), date(2026, 12, 6), "expiring"),
            (date(2026, 11, 2), None, "new"),
            (date(2026, 1, 1), None, "current"),
        ],
    )
    def test_summary_groups(self, start, end, group):
        assert summary_group(version(start, end), date(2026, 11, 27)) == group

    @pytest.mark.parametrize(
        ("start", "end", "today", "group"),
        [
            (date(2026, 1, 1), None, date(2026, 12, 10), "expiring"),
            (date(2026, 12, 7), None, date(2026, 12, 10), "expiring"),
            (date(2026, 1, 1), None, date(2027, 1, 1), "past"),
            (date(2027, 1, 1), None, date(2026, 12, 10), "future"),
        ],
    )
    def test_a_split_ends_with_its_fiscal_year(self, start, end, today, group):
        split = version(start, end)
        assert split.ends == date(start.year, 12, 31)
        assert summary_group(split, today) == group
        assert split.in_force(date(start.year, 12, 31))
        assert not split.in_force(date(start.year + 1, 1, 1))


def workload(wid=1, account="111111111111", budget=10):
    return Workload(
        wid,
        budget,
        account,
        "w",
        "https://calculator.aws/#/estimate?id=1",
        Decimal("1"),
        date(2026, 1, 1),
        date(2026, 12, 1),
        "x",
    )


def open_claim(resource, wid=2):
    return Claim(
        1,
        "111111111111",
        resource,
        wid,
        20,
        datetime(2026, 1, 1, tzinfo=UTC),
        "x",
        date(2026, 1, 2),
        None,
        None,
        None,
    )


class TestClaimRules:
    def test_plan_lists_every_refused_resource(self):
        with pytest.raises(RuleViolation) as caught:
            plan_claims(
                [ClaimRequest(workload(), ("i-ok", "i-taken", "i-elsewhere", "i-ghost", "i-ok"))],
                claims={("111111111111", "i-taken"): [open_claim("i-taken")]},
                resource_accounts={
                    "i-ok": {"111111111111"},
                    "i-taken": {"111111111111"},
                    "i-elsewhere": {"222222222222"},
                },
                effective_from=date(2026, 11, 28),
                closed_periods=set(),
            )
        fields = [e.field for e in caught.value.errors]
        assert fields == [
            "claims.0.resource_ids.1",
            "claims.0.resource_ids.2",
            "claims.0.resource_ids.3",
            "claims.0.resource_ids.4",
        ]

    def test_a_good_plan(self):
        planned = plan_claims(
            [ClaimRequest(workload(), ("i-ok",))],
            claims={},
            resource_accounts={"i-ok": {"111111111111"}},
            effective_from=date(2026, 11, 28),
            closed_periods={"2026-10"},
        )
        assert [(p.resource_id, p.budget_id, p.effective_from) for p in planned] == [
            ("i-ok", 10, date(2026, 11, 28))
        ]

    def test_a_claim_in_a_closed_month_is_refused(self):
        with pytest.raises(RuleViolation):
            plan_claims(
                [ClaimRequest(workload(), ("i-ok",))],
                claims={},
                resource_accounts={"i-ok": {"111111111111"}},
                effective_from=date(2026, 10, 5),
                closed_periods={"2026-10"},
            )

    def test_a_released_span_still_blocks_a_claim_overlapping_it(self):
        released = replace(open_claim("i-old"), effective_to=date(2026, 12, 15))
        with pytest.raises(Conflict) as caught:
            plan_claims(
                [ClaimRequest(workload(), ("i-old",))],
                claims={("111111111111", "i-old"): [released]},
                resource_accounts={"i-old": {"111111111111"}},
                effective_from=date(2026, 12, 10),
                closed_periods=set(),
            )
        assert "2026-01-02..2026-12-15" in caught.value.errors[0].message
        planned = plan_claims(
            [ClaimRequest(workload(), ("i-old",))],
            claims={("111111111111", "i-old"): [released]},
            resource_accounts={"i-old": {"111111111111"}},
            effective_from=date(2026, 12, 16),
            closed_periods=set(),
        )
        assert [p.effective_from for p in planned] == [date(2026, 12, 16)]

    def test_the_same_id_claimed_in_another_account_is_another_resource(self):
        theirs = replace(open_claim("i-twin"), account_id="222222222222")
        planned = plan_claims(
            [ClaimRequest(workload(), ("i-twin",))],
            claims={("222222222222", "i-twin"): [theirs]},
            resource_accounts={"i-twin": {"111111111111", "222222222222"}},
            effective_from=date(2026, 11, 28),
            closed_periods=set(),
        )
        assert [(p.account_id, p.resource_id) for p in planned] == [("111111111111", "i-twin")]

    def test_claims_start_the_day_after(self):
        assert claim_start(None, date(2026, 12, 31)) == date(2027, 1, 1)
        assert claim_start(date(2026, 3, 1), date(2026, 12, 31)) == date(2026, 3, 1)

    @pytest.mark.parametrize(
        ("url", "ok"),
        [
            ("https://calculator.aws/#/estimate?id=abc", True),
            ("https://CALCULATOR.aws/#/estimate?id=abc", True),
            ("http://calculator.aws/#/estimate?id=abc", False),
            ("https://calculator.aws.evil.com/#/estimate?id=abc", False),
            ("https://calculator.aws/#/addService", False),
            ("not a url", False),
        ],
    )
    def test_calculator_links(self, url, ok):
        assert (calculator_url_error(url) is None) is ok
