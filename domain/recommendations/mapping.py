"""Which budgets a recommendation belongs to (SPEC section 7): through its resource's claim,
else its account's split — the allocation rule (SPEC section 3) applied on one day.

A resource the CUR does not know (or a purchase recommendation, which names none) is claimed
by nobody, so it follows its account's split; an account without a split in force maps to no
budget (the recommendation is Unallocated: finance sees it, no budget owner does).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from domain.allocation.rules import AllocationRules, ClaimSpan, SplitLine
from domain.recommendations.model import BudgetShare

CLAIM = "claim"
SPLIT = "split"
_WHOLE = Decimal("100.00")


class BudgetMapper:
    """The allocation rules indexed by account and by resource, for mapping many
    recommendations on one day."""

    def __init__(self, rules: AllocationRules, day: date) -> None:
        self.day = day
        self._claims: dict[tuple[str, str], list[ClaimSpan]] = defaultdict(list)
        for span in rules.claims:
            self._claims[span.account_id, span.resource_id].append(span)
        self._splits: dict[str, list[SplitLine]] = defaultdict(list)
        for line in rules.splits:
            self._splits[line.account_id].append(line)

    def budgets_for(self, account_id: str, resource_id: str) -> tuple[BudgetShare, ...]:
        """The budgets the resource's cost goes to on the mapper's day: its claim's (100%),
        else the account split's shares, largest first; empty when neither is in force."""
        day = self.day
        for span in self._claims.get((account_id, resource_id), ()):
            if span.start <= day and (span.end is None or day <= span.end):
                return (BudgetShare(span.budget_id, _WHOLE, CLAIM),)
        shares = [
            BudgetShare(line.budget_id, line.percent, SPLIT)
            for line in self._splits.get(account_id, ())
            if line.start <= day and (line.end is None or day <= line.end)
        ]
        return tuple(sorted(shares, key=lambda s: (-s.percent, s.budget_id)))
