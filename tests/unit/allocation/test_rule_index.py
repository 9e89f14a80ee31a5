"""The rules' index by account, built from the rules or carried over from the rules a change
replaced (`AllocationRules.indexed_from`, through `rule_changes`): both ways the same."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings

from domain.allocation.changes import rule_changes
from domain.allocation.rules import AllocationRules
from tests.unit.allocation.builders import rules


def as_sets(rules: AllocationRules) -> dict[str, tuple[Counter[object], Counter[object]]]:
    return {
        account: (Counter(entry.splits), Counter(entry.claims))
        for account, entry in rules.by_account().items()
    }


def fresh(rules: AllocationRules) -> AllocationRules:
    return AllocationRules(rules.splits, rules.claims, rules.discounts)


@settings(max_examples=200, deadline=None)
@given(old=rules, new=rules)
def test_the_index_carried_over_from_the_old_rules_is_the_new_rules_own(
    old: AllocationRules, new: AllocationRules
) -> None:
    # any two sets, valid or not (but without a rule twice, which valid rules cannot have
    # but for empty claim spans, and which the comparison by keys sees as one)
    old = AllocationRules(dict.fromkeys(old.splits), dict.fromkeys(old.claims), old.discounts)
    new = AllocationRules(dict.fromkeys(new.splits), dict.fromkeys(new.claims), old.discounts)
    old.by_account()
    rule_changes(old, new)
    assert new.indexed
    assert as_sets(new) == as_sets(fresh(new))


@given(old=rules, new=rules)
def test_without_the_old_index_the_new_set_builds_its_own(
    old: AllocationRules, new: AllocationRules
) -> None:
    new = AllocationRules(new.splits, new.claims, old.discounts)
    rule_changes(old, new)
    assert not new.indexed
    assert as_sets(new) == as_sets(fresh(new))
