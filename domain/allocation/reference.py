"""The allocation rule in plain Python over a few in-memory rows: the reference the engine is
tested against (and a readable statement of the rule).

Per daily cost row of one billing period, by usage day `d` (SPEC section 3):

1. Credit and Refund rows are not budget spend: they are left out and counted as `excluded`;
2. when the period shows gross prices (no EdpDiscount, PrivateRateDiscount, BundledDiscount or
   Discount row at all) and a negotiated discount is in force on `d`, each non-zero charge row
   (`DISCOUNTED_TYPES`) gets a companion `NegotiatedDiscount` row of
   `-round_half_up(cost * percent / 100, 10 decimals)`, allocated like its charge;
3. a row whose resource is claimed on `d` goes 100% to the claim's budget (Tax never follows a
   claim, only the account split);
4. else the account's split in force on `d` divides it by percentage (`split_cost`: exact to
   1E-10, largest remainder);
5. else it is Unallocated (budget None).

A row whose cost is missing (None) in the chosen basis carries no spend and yields no line; a
row without a line item type is spend of an unknown kind, allocated like usage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

from domain.allocation.rules import (
    CUR_DISCOUNT_TYPES,
    DISCOUNTED_TYPES,
    EXCLUDED_TYPES,
    NEGOTIATED_DISCOUNT,
    TAX,
    UNIT,
    AccountSplit,
    AllocationRules,
    ClaimSpan,
    CostBasis,
    NegotiatedDiscount,
    split_cost,
)

ZERO = Decimal(0)


@dataclass(frozen=True)
class CostRow:
    """One row of the daily costs: a resource's cost of one line item type on one usage day."""

    usage_date: date
    account_id: str | None
    resource_id: str | None
    service: str | None
    line_item_type: str | None
    unblended_cost: Decimal | None
    net_unblended_cost: Decimal | None
    amortized_cost: Decimal | None

    def cost(self, basis: CostBasis) -> Decimal | None:
        if basis is CostBasis.NET_UNBLENDED:
            return self.net_unblended_cost
        if basis is CostBasis.AMORTIZED:
            return self.amortized_cost
        return self.unblended_cost


@dataclass(frozen=True)
class AllocatedLine:
    """A part of a cost row held by one budget (None: Unallocated), through a workload or not."""

    usage_date: date
    account_id: str | None
    resource_id: str | None
    service: str | None
    line_item_type: str | None
    budget_id: int | None
    workload_id: int | None
    amount: Decimal


@dataclass(frozen=True)
class Allocation:
    """The allocated lines of one period and their totals.

    `total` is the spend of the rows that are not excluded, negotiated discount included;
    `allocated + unallocated == total` exactly.
    """

    lines: tuple[AllocatedLine, ...]
    total: Decimal
    allocated: Decimal
    unallocated: Decimal
    excluded: Decimal
    negotiated_discount: Decimal


class _Index:
    """The rules by account and resource, for lookups by day."""

    def __init__(self, rules: AllocationRules) -> None:
        self.splits: dict[str, list[AccountSplit]] = defaultdict(list)
        for split in rules.account_splits():
            self.splits[split.account_id].append(split)
        self.claims: dict[tuple[str, str], list[ClaimSpan]] = defaultdict(list)
        for claim in rules.claims:
            self.claims[(claim.account_id, claim.resource_id)].append(claim)
        self.discounts = rules.discounts

    def split_on(self, account_id: str | None, day: date) -> AccountSplit | None:
        if account_id is None:
            return None
        return next((s for s in self.splits.get(account_id, ()) if s.covers(day)), None)

    def claim_on(
        self, account_id: str | None, resource_id: str | None, day: date
    ) -> ClaimSpan | None:
        if account_id is None or resource_id is None:
            return None
        return next(
            (
                c
                for c in self.claims.get((account_id, resource_id), ())
                if c.start <= day and (c.end is None or day <= c.end)
            ),
            None,
        )

    def discount_on(self, day: date) -> NegotiatedDiscount | None:
        return next(
            (d for d in self.discounts if d.start <= day and (d.end is None or day <= d.end)),
            None,
        )


def negotiated_discount(cost: Decimal, percent: Decimal) -> Decimal:
    """The (negative) discount on `cost`: `percent` of it, rounded half up to 1E-10."""
    with localcontext() as ctx:
        ctx.prec = 60
        return -(cost * percent / 100).quantize(UNIT, rounding=ROUND_HALF_UP)


def is_gross(rows: Iterable[CostRow]) -> bool:
    """True when the period's CUR carries no discount line: its prices are gross."""
    return not any(r.line_item_type in CUR_DISCOUNT_TYPES for r in rows)


def allocate(
    rows: Sequence[CostRow],
    rules: AllocationRules,
    *,
    basis: CostBasis = CostBasis.UNBLENDED,
) -> Allocation:
    """Allocate the daily cost rows of one billing period by `rules` (validated here)."""
    rules.validate()
    index = _Index(rules)
    gross = is_gross(rows)
    lines: list[AllocatedLine] = []
    excluded = ZERO
    discount_total = ZERO
    for row in rows:
        cost = row.cost(basis)
        if cost is None:
            continue
        if row.line_item_type in EXCLUDED_TYPES:
            excluded += cost
            continue
        charges = [(row.line_item_type, cost)]
        if gross and cost != 0 and row.line_item_type in DISCOUNTED_TYPES:
            discount = index.discount_on(row.usage_date)
            if discount is not None:
                amount = negotiated_discount(cost, discount.percent)
                discount_total += amount
                charges.append((NEGOTIATED_DISCOUNT, amount))
        claim = (
            None
            if row.line_item_type == TAX
            else index.claim_on(row.account_id, row.resource_id, row.usage_date)
        )
        split = None if claim is not None else index.split_on(row.account_id, row.usage_date)
        for line_item_type, amount in charges:
            parts: list[tuple[int | None, int | None, Decimal]]
            if claim is not None:
                parts = [(claim.budget_id, claim.workload_id, amount)]
            elif split is not None:
                parts = [(b, None, part) for b, part in split_cost(amount, split.shares)]
            else:
                parts = [(None, None, amount)]
            lines.extend(
                AllocatedLine(
                    row.usage_date,
                    row.account_id,
                    row.resource_id,
                    row.service,
                    line_item_type,
                    budget_id,
                    workload_id,
                    part,
                )
                for budget_id, workload_id, part in parts
            )
    allocated = sum((ln.amount for ln in lines if ln.budget_id is not None), ZERO)
    unallocated = sum((ln.amount for ln in lines if ln.budget_id is None), ZERO)
    return Allocation(
        lines=tuple(lines),
        total=allocated + unallocated,
        allocated=allocated,
        unallocated=unallocated,
        excluded=excluded,
        negotiated_discount=discount_total,
    )
