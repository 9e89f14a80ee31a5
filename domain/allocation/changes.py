"""What a change of the allocation rules touches: the accounts and resources whose allocation
may differ between the old and the new rules, each from the first usage day it may differ.

A daily cost row's allocation depends only on its own account, resource and day through the
rules in force for them (its claim, else its account's split version) and on the negotiated
discounts. So rows of other accounts and resources, and rows before those first days, are
allocated the same under both rules, and only the touched rows need allocating again. A change
of the negotiated discounts touches every row: `full`.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from domain.allocation.rules import AllocationRules, RuleKeys

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class RuleChanges:
    """`accounts`: account → first day its split may allocate differently; `resources`:
    (account, resource) → first day its claim may; `full`: every row may change."""

    full: bool = False
    accounts: dict[str, date] = field(default_factory=dict)
    resources: dict[tuple[str, str], date] = field(default_factory=dict)

    @property
    def none(self) -> bool:
        return not (self.full or self.accounts or self.resources)


def rule_changes(old: AllocationRules, new: AllocationRules) -> RuleChanges:
    """The rows `new` may allocate differently from `old` (both validated).

    Per account (split versions) and per resource (claim spans): the earliest start among the
    versions or spans in one rule set and not in the other. Before that day the one in force
    (they do not overlap) is the same in both. A version differs exactly when one of its lines
    is in one set and not in the other (a version is the set of an account's lines with one
    start and end), so lines are compared, as the sets `rule_keys` keeps once per rule set
    (a rule is a named tuple, hashed as it is): the applied set's were built when it was
    compared last, and the symmetric difference of the whole sets, restricted to an account
    or resource, is its difference: one pass over hashed rules, no grouping."""
    if set(old.discounts) != set(new.discounts):
        return RuleChanges(full=True)
    before, after = old.rule_keys(), new.rule_keys()
    split_changes, claim_changes = before.splits ^ after.splits, before.claims ^ after.claims
    accounts: dict[str, date] = {}
    for line in split_changes:
        _earliest(accounts, line.account_id, line.start)
    resources: dict[tuple[str, str], date] = {}
    for span in claim_changes:
        _earliest(resources, (span.account_id, span.resource_id), span.start)
    if old.indexed:
        # the applied set's rules by account, carried over to the new set with the changed
        # accounts rebuilt: the touched rules of both are then lookups, and the next change
        # finds the new set's ready
        new.indexed_from(old, RuleKeys(split_changes, claim_changes))
    return RuleChanges(accounts=accounts, resources=resources)


def _earliest(first: dict[K, date], key: K, day: date) -> None:
    if key not in first or day < first[key]:
        first[key] = day
