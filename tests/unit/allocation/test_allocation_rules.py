"""Allocation rules: what `AllocationRules.validate()` accepts and refuses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.allocation.rules import (
    AllocationRules,
    CostBasis,
    NegotiatedDiscount,
    Share,
    SplitLine,
    fiscal_end,
)
from domain.errors import RuleViolation
from tests.unit.allocation.builders import ACCOUNT, OTHER, a_claim, a_split


def violation(rules: AllocationRules) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        rules.validate()
    return caught.value


def messages(rules: AllocationRules) -> list[str]:
    return [e.message for e in violation(rules).errors]


class TestSplitVersions:
    def test_a_split_totalling_100_is_valid(self) -> None:
        rules = AllocationRules(a_split({1: "33.33", 2: "33.33", 3: "33.34"}), [])
        assert rules.validate() is rules

    def test_a_split_not_totalling_100_is_refused(self) -> None:
        found = messages(AllocationRules(a_split({1: "50.00", 2: "49.99"}), []))
        assert found == [
            f"split of account {ACCOUNT} from 2026-01-01 to open totals 99.99%, not 100.00%"
        ]

    def test_versions_are_told_apart_by_their_dates(self) -> None:
        lines = [
            *a_split({1: "60", 2: "40"}, end=date(2026, 3, 8)),
            *a_split({1: "100"}, start=date(2026, 3, 9)),
        ]
        assert AllocationRules(lines, []).validate()

    @pytest.mark.parametrize(
        ("percent", "reason"),
        [
            ("0", "must be greater than 0"),
            ("-10", "must be greater than 0"),
            ("100.01", "must be at most 100.00"),
            ("33.333", "at most 2 decimals"),
        ],
    )
    def test_bad_percents_are_refused(self, percent: str, reason: str) -> None:
        error = violation(AllocationRules(a_split({1: percent}), [])).errors[0]
        assert error.message == f"splits[0].percent: {reason}"
        assert error.field == "splits[0].percent"

    def test_trailing_zeros_are_not_extra_decimals(self) -> None:
        assert AllocationRules(a_split({1: "100.0000"}), []).validate()

    def test_overlapping_versions_of_an_account_are_refused(self) -> None:
        lines = [
            *a_split({1: "100"}, end=date(2026, 3, 9)),
            *a_split({2: "100"}, start=date(2026, 3, 9)),
        ]
        assert messages(AllocationRules(lines, [])) == [
            f"split versions of account {ACCOUNT} overlap: 2026-01-01..2026-03-09 and "
            "2026-03-09..open"
        ]

    def test_an_open_version_overlaps_every_later_one(self) -> None:
        lines = [*a_split({1: "100"}), *a_split({2: "100"}, start=date(2026, 5, 4), end=None)]
        assert "overlap" in messages(AllocationRules(lines, []))[0]

    def test_versions_of_different_accounts_may_overlap(self) -> None:
        lines = [*a_split({1: "100"}), *a_split({2: "100"}, account_id=OTHER)]
        assert AllocationRules(lines, []).validate()

    def test_a_budget_named_twice_in_a_version_is_refused(self) -> None:
        lines = a_split({1: "50"}) + a_split({1: "50"})
        assert messages(AllocationRules(lines, [])) == [
            f"split of account {ACCOUNT} from 2026-01-01 to open names a budget twice"
        ]

    def test_end_before_start_and_bad_ids_are_refused(self) -> None:
        line = SplitLine("12345", 1, Decimal(100), date(2026, 3, 2), date(2026, 3, 1))
        fields = {e.field for e in violation(AllocationRules([line], [])).errors}
        assert fields == {"splits[0].account_id", "splits[0].end"}

    def test_every_problem_is_listed(self) -> None:
        lines = a_split({1: "50"}) + a_split({2: "0"}, account_id=OTHER)
        assert len(violation(AllocationRules(lines, [])).errors) == 3


class TestClaimSpans:
    def test_claims_in_sequence_are_valid(self) -> None:
        claims = [
            a_claim(start=date(2026, 3, 2), end=date(2026, 3, 10)),
            a_claim(workload_id=901, start=date(2026, 3, 11)),
        ]
        assert AllocationRules([], claims).validate()

    def test_two_workloads_on_the_same_day_are_refused(self) -> None:
        claims = [
            a_claim(start=date(2026, 3, 2), end=date(2026, 3, 10)),
            a_claim(workload_id=901, start=date(2026, 3, 10)),
        ]
        assert messages(AllocationRules([], claims)) == [
            f"resource i-1 of account {ACCOUNT} is claimed twice on the same days: "
            "2026-03-02..2026-03-10 (claims[0]) and 2026-03-10..open (claims[1])"
        ]

    def test_the_same_resource_id_in_two_accounts_is_two_resources(self) -> None:
        claims = [a_claim(), a_claim(account_id=OTHER)]
        assert AllocationRules([], claims).validate()

    def test_claimed_and_released_the_same_day_is_an_empty_span(self) -> None:
        # claimed on the 9th, released on the 9th: start the 10th, end the 9th
        claims = [
            a_claim(start=date(2026, 3, 10), end=date(2026, 3, 9)),
            a_claim(workload_id=901, start=date(2026, 3, 1)),
        ]
        assert AllocationRules([], claims).validate()

    def test_an_end_further_before_the_start_is_refused(self) -> None:
        found = messages(
            AllocationRules([], [a_claim(start=date(2026, 3, 10), end=date(2026, 3, 8))])
        )
        assert found == ["claims[0].end: end is before start"]

    def test_bad_fields_are_refused(self) -> None:
        claim = a_claim(account_id="x", resource_id="", workload_id=True, budget_id="1")  # type: ignore[arg-type]
        fields = {e.field for e in violation(AllocationRules([], [claim])).errors}
        assert fields == {
            "claims[0].account_id",
            "claims[0].resource_id",
            "claims[0].workload_id",
            "claims[0].budget_id",
        }


class TestNegotiatedDiscounts:
    def test_overlapping_discounts_are_refused(self) -> None:
        found = messages(
            AllocationRules(
                [],
                [],
                [
                    NegotiatedDiscount(Decimal("5"), date(2026, 1, 1), date(2026, 3, 31)),
                    NegotiatedDiscount(Decimal("6"), date(2026, 3, 31)),
                ],
            )
        )
        assert found == [
            "negotiated discounts overlap: 2026-01-01..2026-03-31 and 2026-03-31..open"
        ]

    def test_a_discount_percent_follows_the_percent_rules(self) -> None:
        found = messages(
            AllocationRules([], [], [NegotiatedDiscount(Decimal("2.555"), date(2026, 1, 1))])
        )
        assert found == ["discounts[0].percent: at most 2 decimals"]


class TestDerivedViews:
    def test_account_splits_group_lines_into_versions_ordered_by_start(self) -> None:
        lines = [
            *a_split({3: "100"}, start=date(2026, 3, 9)),
            *a_split({2: "40", 1: "60"}, end=date(2026, 3, 8)),
        ]
        splits = AllocationRules(lines, []).account_splits()
        assert [(s.start, s.end, s.shares) for s in splits] == [
            (date(2026, 1, 1), date(2026, 3, 8), (Share(1, Decimal(60)), Share(2, Decimal(40)))),
            (date(2026, 3, 9), None, (Share(3, Decimal(100)),)),
        ]
        assert splits[0].covers(date(2026, 3, 8))
        assert not splits[0].covers(date(2026, 3, 9))

    def test_shares_count_hundredths_of_a_percent(self) -> None:
        assert Share(1, Decimal("33.33")).units == 3333

    def test_cost_bases_name_their_daily_columns(self) -> None:
        assert [b.column for b in CostBasis] == [
            "unblended_cost",
            "net_unblended_cost",
            "amortized_cost",
        ]
        assert CostBasis("net_unblended") is CostBasis.NET_UNBLENDED

    def test_rules_are_immutable_values(self) -> None:
        rules = AllocationRules(iter(a_split({1: "100"})), [a_claim()])
        assert rules == AllocationRules(a_split({1: "100"}), (a_claim(),))
        with pytest.raises(AttributeError):
            rules.splits = ()  # type: ignore[misc]


class TestAccountIds:
    """Rules and the account register share one account-id check: 12 ASCII digits."""

    @pytest.mark.parametrize(
        "account_id",
        ["12345678901", "1234567890123", "١٢٣٤٥٦٧٨٩٠١٢", "123456789012\n", "12345678901a"],
    )
    def test_anything_but_12_ascii_digits_is_refused(self, account_id: str) -> None:
        found = messages(AllocationRules(a_split({1: "100.00"}, account_id=account_id), []))
        assert found == ["splits[0].account_id: account_id must be 12 digits"]

    def test_leading_zeros_are_an_account_id(self) -> None:
        rules = AllocationRules(a_split({1: "100.00"}, account_id="000123456789"), [])
        assert rules.validate() is rules


class TestFiscalEnd:
    @pytest.mark.parametrize(
        ("start", "end", "year", "last"),
        [
            (date(2026, 3, 1), None, 2026, date(2026, 12, 31)),
            (date(2026, 3, 1), date(2026, 6, 30), 2026, date(2026, 6, 30)),
            (date(2026, 3, 1), date(2027, 2, 1), 2026, date(2026, 12, 31)),
            # a claim made on 31 December for a budget of that year: an empty span
            (date(2027, 1, 1), None, 2026, date(2026, 12, 31)),
            (date(2027, 1, 5), None, 2026, date(2027, 1, 4)),
        ],
    )
    def test_a_rule_ends_with_its_budgets_year(self, start, end, year, last):
        assert fiscal_end(start, end, year) == last
