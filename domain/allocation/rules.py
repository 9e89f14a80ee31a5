"""The allocation rules: account splits, resource claims and negotiated discounts.

These are the inputs of the allocation rule (SPEC section 3), as plain values. The DuckDB
engine (`adapters/allocation/engine.py`) and the pure-Python reference
(`domain/allocation/reference.py`) both take an `AllocationRules`; `validate()` refuses rule
sets the rule cannot apply unambiguously (a day in two split versions of one account, a
resource claimed by two workloads on one day, a split that does not total 100.00%; the checks
are in `validation.py`).

Dates are usage days, inclusive at both ends; `end=None` is open-ended. The callers that build
rules from stored splits and claims bound them by their budgets' fiscal year (`fiscal_end`):
a split or claim of 2026 budgets allocates nothing on 1 January 2027.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from domain.allocation.validation import (
    claim_errors,
    discount_errors,
    split_line_errors,
    split_version_errors,
)
from domain.errors import RuleViolation

# The stored precision of spend (DECIMAL(20,10)): parts of a cost are whole units of this.
UNIT = Decimal("1E-10")
UNITS_PER_CURRENCY = 10**10
# Percent in hundredths: a split's shares total exactly this many.
SHARE_UNITS = 10_000

# Line item types, as the CUR names them.
TAX = "Tax"
NEGOTIATED_DISCOUNT = "NegotiatedDiscount"
# AWS-issued credits and refunds belong to the invoice, not to budget spend.
EXCLUDED_TYPES: frozenset[str] = frozenset({"Credit", "Refund"})
# Discounts the CUR carries; their presence in a period means its prices are already net.
CUR_DISCOUNT_TYPES: frozenset[str] = frozenset(
    {"EdpDiscount", "PrivateRateDiscount", "BundledDiscount", "Discount"}
)
# The charges a negotiated discount reduces: every line that prices usage, including the
# commitment fees and their negations (so SavingsPlanCoveredUsage and SavingsPlanNegation, which
# cancel out in unblended cost, also cancel out in the discount). Not tax, not discounts, not
# credits or refunds.
DISCOUNTED_TYPES: frozenset[str] = frozenset(
    {
        "Usage",
        "DiscountedUsage",
        "SavingsPlanCoveredUsage",
        "SavingsPlanNegation",
        "SavingsPlanRecurringFee",
        "SavingsPlanUpfrontFee",
        "RIFee",
        "Fee",
    }
)

_OPEN_END = date.max


class CostBasis(StrEnum):
    """Which CUR cost budget spend is measured in; each is a column of the daily costs."""

    UNBLENDED = "unblended"
    NET_UNBLENDED = "net_unblended"
    AMORTIZED = "amortized"

    @property
    def column(self) -> str:
        return f"{self.value}_cost"


class SplitLine(NamedTuple):
    """One budget's share of an account's spend, on days `start`..`end` inclusive.

    The lines of one account with the same `start` and `end` form a split version; their
    percents total exactly 100.00.

    A split line and a claim span are named tuples, not dataclasses: a rule is a value, and
    comparing two rule sets (`changes.py`) hashes every rule of both; a tuple is its own
    hashable key, where a dataclass hashes by building one: 50,000 claims hashed into a set in
    7 ms rather than 16, and no tuples left for the garbage collector (a rule change compared
    in 14 ms rather than 41 in `benchmarks/reallocate.py`).
    """

    account_id: str
    budget_id: int
    percent: Decimal
    start: date
    end: date | None = None


class ClaimSpan(NamedTuple):
    """A resource's cost goes 100% to `budget_id` (through `workload_id`) on `start`..`end`.

    The caller turns a claim into a span: `start` is the day after the claim, `end` the release
    day (a release takes effect the day after it), None while the claim is open. A resource
    claimed and released on the same day gives `end == start - 1 day`: an empty span, allowed.
    """

    account_id: str
    resource_id: str
    workload_id: int
    budget_id: int
    start: date
    end: date | None = None


@dataclass(frozen=True)
class NegotiatedDiscount:
    """A configured discount (percent of gross) in force on usage days `start`..`end`.

    It applies only in billing periods whose CUR carries no discount line (EdpDiscount,
    PrivateRateDiscount, BundledDiscount, Discount): there the prices are gross.
    """

    percent: Decimal
    start: date
    end: date | None = None


@dataclass(frozen=True)
class Share:
    budget_id: int
    percent: Decimal

    @property
    def units(self) -> int:
        """The percent in hundredths: a split's shares total `SHARE_UNITS`."""
        return int(self.percent * 100)


@dataclass(frozen=True)
class AccountSplit:
    """A split version: the shares of one account in force on `start`..`end`."""

    account_id: str
    start: date
    end: date | None
    shares: tuple[Share, ...]

    def covers(self, day: date) -> bool:
        return self.start <= day <= (self.end or _OPEN_END)


class RuleKeys(NamedTuple):
    """A rule set's split lines and claim spans as sets (`AllocationRules.rule_keys`)."""

    splits: frozenset[SplitLine]
    claims: frozenset[ClaimSpan]


class AccountRules(NamedTuple):
    """One account's split lines and claim spans."""

    splits: tuple[SplitLine, ...] = ()
    claims: tuple[ClaimSpan, ...] = ()


@dataclass(frozen=True)
class AllocationRules:
    """Every rule in force for an allocation run; call `validate()` before applying them."""

    splits: tuple[SplitLine, ...]
    claims: tuple[ClaimSpan, ...]
    discounts: tuple[NegotiatedDiscount, ...] = field(default_factory=tuple)
    # set once validate() passed, and the split versions once derived: the rules are
    # immutable, so both stay true
    _valid: bool = field(default=False, init=False, repr=False, compare=False)
    _versions: tuple[AccountSplit, ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _rule_keys: RuleKeys | None = field(default=None, init=False, repr=False, compare=False)
    _by_account: Mapping[str, AccountRules] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def __init__(
        self,
        splits: Iterable[SplitLine],
        claims: Iterable[ClaimSpan],
        discounts: Iterable[NegotiatedDiscount] = (),
    ) -> None:
        object.__setattr__(self, "splits", tuple(splits))
        object.__setattr__(self, "claims", tuple(claims))
        object.__setattr__(self, "discounts", tuple(discounts))
        object.__setattr__(self, "_valid", False)
        object.__setattr__(self, "_versions", None)
        object.__setattr__(self, "_rule_keys", None)
        object.__setattr__(self, "_by_account", None)

    # ------------------------------------------------------------------ validation

    def validate(self) -> AllocationRules:
        """Raise RuleViolation listing every problem; return self when the rules are sound."""
        if self._valid:
            return self
        errors = [
            *split_line_errors(self.splits),
            *split_version_errors(self.splits),
            *claim_errors(self.claims),
            *discount_errors(self.discounts),
        ]
        if errors:
            raise RuleViolation(
                f"the allocation rules are inconsistent ({len(errors)} problem"
                f"{'s' if len(errors) > 1 else ''})",
                errors=errors,
            )
        object.__setattr__(self, "_valid", True)
        return self

    # ------------------------------------------------------------------ derived views

    def account_splits(self) -> tuple[AccountSplit, ...]:
        """The split versions, by account then start; shares ordered by budget id."""
        if self._versions is None:
            grouped: dict[tuple[str, date, date | None], list[Share]] = defaultdict(list)
            for line in self.splits:
                grouped[(line.account_id, line.start, line.end)].append(
                    Share(line.budget_id, line.percent)
                )
            versions = tuple(
                AccountSplit(account, start, end, tuple(sorted(shares, key=_by_budget)))
                for (account, start, end), shares in sorted(grouped.items(), key=_by_version)
            )
            object.__setattr__(self, "_versions", versions)
            return versions
        return self._versions

    def rule_keys(self) -> RuleKeys:
        """The split lines and the claim spans as sets, built once: comparing two rule sets
        hashes every rule (a rule is a named tuple, its own key)."""
        if self._rule_keys is None:
            keys = RuleKeys(frozenset(self.splits), frozenset(self.claims))
            object.__setattr__(self, "_rule_keys", keys)
            return keys
        return self._rule_keys

    def by_account(self) -> Mapping[str, AccountRules]:
        """Each account's split lines and claim spans, built once (or carried over from the
        rules this set replaced, `indexed_from`): the rules a change's touched rows can meet
        are then a lookup per touched account, not a pass over every rule."""
        if self._by_account is None:
            splits: dict[str, list[SplitLine]] = defaultdict(list)
            claims: dict[str, list[ClaimSpan]] = defaultdict(list)
            for line in self.splits:
                splits[line.account_id].append(line)
            for span in self.claims:
                claims[span.account_id].append(span)
            index = {
                account: AccountRules(
                    tuple(splits.get(account, ())), tuple(claims.get(account, ()))
                )
                for account in splits.keys() | claims.keys()
            }
            object.__setattr__(self, "_by_account", index)
            return index
        return self._by_account

    @property
    def indexed(self) -> bool:
        """Whether `by_account` is built (then a set derived from this one can inherit it)."""
        return self._by_account is not None

    def indexed_from(self, base: AllocationRules, changed: RuleKeys) -> None:
        """Give this set its `by_account` as `base`'s (built) with the accounts the change
        touches rebuilt: `changed` holds the rules in one set and not the other (removed when
        `base` has them, added otherwise), so this set's rules of an account are `base`'s less
        the removed plus the added. O(accounts + changed rules) rather than a pass over every
        rule."""
        if self._by_account is not None:
            return
        before, (splits, claims) = base.rule_keys(), changed
        index = dict(base.by_account())
        removed_splits = splits & before.splits
        removed_claims = claims & before.claims
        added_splits: dict[str, list[SplitLine]] = defaultdict(list)
        for line in splits - removed_splits:
            added_splits[line.account_id].append(line)
        added_claims: dict[str, list[ClaimSpan]] = defaultdict(list)
        for span in claims - removed_claims:
            added_claims[span.account_id].append(span)
        for account in {s.account_id for s in splits} | {c.account_id for c in claims}:
            kept = index.get(account, AccountRules())
            entry = AccountRules(
                (
                    *(s for s in kept.splits if s not in removed_splits),
                    *added_splits.get(account, ()),
                ),
                (
                    *(c for c in kept.claims if c not in removed_claims),
                    *added_claims.get(account, ()),
                ),
            )
            if entry.splits or entry.claims:
                index[account] = entry
            else:
                index.pop(account, None)
        object.__setattr__(self, "_by_account", index)


def _by_budget(share: Share) -> int:
    return share.budget_id


def _by_version(item: tuple[tuple[str, date, date | None], list[Share]]) -> tuple[str, date, date]:
    (account, start, end), _ = item
    return account, start, end or _OPEN_END


# ---------------------------------------------------------------------- fiscal year bound


def year_end(year: int) -> date:
    """The last day of a fiscal year (SPEC section 2: `effectiveYear-12-31`)."""
    return date(year, 12, 31)


def fiscal_end(start: date, end: date | None, year: int) -> date:
    """The last day a rule of `year`'s budgets covers: its own end or 31 December of `year`,
    whichever comes first. Never before `start - 1 day` (an empty span): a claim made on
    31 December starts on 1 January and so covers nothing of its budget's year."""
    bound = year_end(year)
    last = bound if end is None else min(end, bound)
    return max(last, start - timedelta(days=1))


# ---------------------------------------------------------------------- the split itself


def split_cost(cost: Decimal, shares: Sequence[Share]) -> list[tuple[int, Decimal]]:
    """Split `cost` by the shares' percents into parts that sum exactly to `cost`.

    Works in units of 1E-10 on the magnitude: each part is rounded down, and the units left
    over go one each to the shares with the largest remainders (ties: smaller budget id
    first). A negative cost is split as its magnitude and negated, so a cost and its negation
    (SavingsPlanCoveredUsage and SavingsPlanNegation) cancel budget by budget.
    """
    units = to_units(cost)
    magnitude = abs(units)
    parts = []
    for share in shares:
        base, remainder = divmod(magnitude * share.units, SHARE_UNITS)
        parts.append([share.budget_id, base, remainder])
    left = magnitude - sum(p[1] for p in parts)
    for part in sorted(parts, key=lambda p: (-p[2], p[0]))[:left]:
        part[1] += 1
    sign = -1 if units < 0 else 1
    return [(budget, from_units(sign * base)) for budget, base, _ in parts]


def to_units(amount: Decimal) -> int:
    """`amount` in whole 1E-10 units; refuses more precision than the store keeps."""
    scaled = amount.scaleb(10)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than 10 decimals")
    return int(scaled)


def from_units(units: int) -> Decimal:
    """Whole 1E-10 units back to an amount with exactly 10 decimals."""
    return Decimal(units) * UNIT
