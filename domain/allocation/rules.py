"""The allocation rules: account splits, resource claims and negotiated discounts.

These are the inputs of the allocation rule (SPEC section 3), as plain values. The DuckDB
engine (`adapters/allocation/engine.py`) and the pure-Python reference
(`domain/allocation/reference.py`) both take an `AllocationRules`; `validate()` refuses rule
sets the rule cannot apply unambiguously (a day in two split versions of one account, a
resource claimed by two workloads on one day, a split that does not total 100.00%).

Dates are usage days, inclusive at both ends; `end=None` is open-ended. The callers that build
rules from stored splits and claims bound them by their budgets' fiscal year (`fiscal_end`):
a split or claim of 2026 budgets allocates nothing on 1 January 2027.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from domain.accounts.model import is_account_id
from domain.allocation.rule_keys import CLAIM_KEY, SPLIT_KEY, RuleKeys
from domain.errors import ErrorDetail, RuleViolation

HUNDRED = Decimal("100.00")
CENT = Decimal("0.01")
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


@dataclass(frozen=True)
class SplitLine:
    """One budget's share of an account's spend, on days `start`..`end` inclusive.

    The lines of one account with the same `start` and `end` form a split version; their
    percents total exactly 100.00.
    """

    account_id: str
    budget_id: int
    percent: Decimal
    start: date
    end: date | None = None


@dataclass(frozen=True)
class ClaimSpan:
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

    # ------------------------------------------------------------------ validation

    def validate(self) -> AllocationRules:
        """Raise RuleViolation listing every problem; return self when the rules are sound."""
        if self._valid:
            return self
        errors = [
            *_split_line_errors(self.splits),
            *_split_version_errors(self.splits),
            *_claim_errors(self.claims),
            *_discount_errors(self.discounts),
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
        """The split lines and the claim spans as sets of plain tuples (every field, the owner
        and start first), built once: comparing two rule sets hashes every rule, and a tuple
        hashes several times faster than the dataclass."""
        if self._rule_keys is None:
            keys = RuleKeys(
                frozenset(map(SPLIT_KEY, self.splits)), frozenset(map(CLAIM_KEY, self.claims))
            )
            object.__setattr__(self, "_rule_keys", keys)
            return keys
        return self._rule_keys


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


# ---------------------------------------------------------------------- validation helpers


def percent_error(value: object, *, upper: Decimal = HUNDRED) -> str | None:
    """Why `value` is not a percent in (0, upper] with at most two decimals, or None."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return "must be a finite Decimal"
    try:
        if value != value.quantize(CENT):
            return "at most 2 decimals"
    except InvalidOperation:
        return "at most 2 decimals"
    if value <= 0:
        return "must be greater than 0"
    if value > upper:
        return f"must be at most {upper}"
    return None


def _dates_error(start: object, end: object, *, allow_empty: bool = False) -> str | None:
    if not isinstance(start, date):
        return "start must be a date"
    if end is None:
        return None
    if not isinstance(end, date):
        return "end must be a date or None"
    earliest = start - timedelta(days=1) if allow_empty else start
    if end < earliest:
        return "end is before start"
    return None


def _account_error(account_id: object, known: set[str]) -> str | None:
    """`known` remembers the ids already checked: a rule set repeats few accounts many times."""
    if account_id in known:
        return None
    if not isinstance(account_id, str) or not is_account_id(account_id):
        return "account_id must be 12 digits"
    known.add(account_id)
    return None


def _id_error(value: object, name: str) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{name} must be an integer"
    return None


def _field_errors(where: str, problems: Iterable[tuple[str | None, str]]) -> list[ErrorDetail]:
    return [
        ErrorDetail(f"{where}.{part}: {problem}", field=f"{where}.{part}")
        for problem, part in problems
        if problem
    ]


def _split_line_errors(lines: Sequence[SplitLine]) -> list[ErrorDetail]:
    errors = []
    known: set[str] = set()
    for i, line in enumerate(lines):
        problems = (
            (_account_error(line.account_id, known), "account_id"),
            (_id_error(line.budget_id, "budget_id"), "budget_id"),
            (percent_error(line.percent), "percent"),
            (_dates_error(line.start, line.end), "end"),
        )
        if any(p for p, _ in problems):
            errors += _field_errors(f"splits[{i}]", problems)
    return errors


def _split_version_errors(lines: Sequence[SplitLine]) -> list[ErrorDetail]:
    versions: dict[tuple[str, date, date | None], list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        if isinstance(line.start, date) and (line.end is None or isinstance(line.end, date)):
            versions[(line.account_id, line.start, line.end)].append(i)
    errors = []
    for (account, start, end), indexes in versions.items():
        label = f"split of account {account} from {start} to {end or 'open'}"
        where = f"splits[{indexes[0]}]"
        percents = [lines[i].percent for i in indexes]
        if all(isinstance(p, Decimal) and p.is_finite() for p in percents):
            total = sum(percents, Decimal(0))
            if total != HUNDRED:
                errors.append(ErrorDetail(f"{label} totals {total}%, not 100.00%", field=where))
        budgets = [lines[i].budget_id for i in indexes]
        if len(set(budgets)) != len(budgets):
            errors.append(ErrorDetail(f"{label} names a budget twice", field=where))
    by_account: dict[str, list[tuple[date, date | None, int]]] = defaultdict(list)
    for account, start, end in versions:
        if end is None or end >= start:
            by_account[account].append((start, end, versions[(account, start, end)][0]))
    for account, spans in sorted(by_account.items()):
        for a, b in _overlaps(spans):
            errors.append(
                ErrorDetail(
                    f"split versions of account {account} overlap: {a[0]}..{a[1] or 'open'} "
                    f"and {b[0]}..{b[1] or 'open'}",
                    field=f"splits[{b[2]}]",
                )
            )
    return errors


def _claim_errors(claims: Sequence[ClaimSpan]) -> list[ErrorDetail]:
    errors = []
    known: set[str] = set()
    spans: dict[tuple[str, str], list[tuple[date, date | None, int]]] = defaultdict(list)
    for i, claim in enumerate(claims):
        end = claim.end
        if (
            # the common case, checked in one expression (rule sets hold many claims)
            claim.account_id in known
            and type(claim.resource_id) is str
            and claim.resource_id
            and type(claim.workload_id) is int
            and type(claim.budget_id) is int
            and type(claim.start) is date
            and (end is None or (type(end) is date and end >= claim.start))
        ):
            spans[(claim.account_id, claim.resource_id)].append((claim.start, end, i))
            continue
        problems = (
            (_account_error(claim.account_id, known), "account_id"),
            (
                None
                if isinstance(claim.resource_id, str) and claim.resource_id
                else "resource_id must be a non-empty string",
                "resource_id",
            ),
            (_id_error(claim.workload_id, "workload_id"), "workload_id"),
            (_id_error(claim.budget_id, "budget_id"), "budget_id"),
            (_dates_error(claim.start, claim.end, allow_empty=True), "end"),
        )
        if any(p for p, _ in problems):
            errors += _field_errors(f"claims[{i}]", problems)
        elif claim.end is None or claim.end >= claim.start:
            spans[(claim.account_id, claim.resource_id)].append((claim.start, claim.end, i))
    shared = sorted(key for key, found in spans.items() if len(found) > 1)
    for account, resource in shared:
        for a, b in _overlaps(spans[(account, resource)]):
            errors.append(
                ErrorDetail(
                    f"resource {resource} of account {account} is claimed twice on the same "
                    f"days: {a[0]}..{a[1] or 'open'} (claims[{a[2]}]) and "
                    f"{b[0]}..{b[1] or 'open'} (claims[{b[2]}])",
                    field=f"claims[{b[2]}]",
                )
            )
    return errors


def _discount_errors(discounts: Sequence[NegotiatedDiscount]) -> list[ErrorDetail]:
    errors = []
    spans = []
    for i, discount in enumerate(discounts):
        problems = (
            (percent_error(discount.percent), "percent"),
            (_dates_error(discount.start, discount.end), "end"),
        )
        if any(p for p, _ in problems):
            errors += _field_errors(f"discounts[{i}]", problems)
        else:
            spans.append((discount.start, discount.end, i))
    for a, b in _overlaps(spans):
        errors.append(
            ErrorDetail(
                f"negotiated discounts overlap: {a[0]}..{a[1] or 'open'} and "
                f"{b[0]}..{b[1] or 'open'}",
                field=f"discounts[{b[2]}]",
            )
        )
    return errors


def _overlaps(
    spans: Iterable[tuple[date, date | None, int]],
) -> list[tuple[tuple[date, date | None, int], tuple[date, date | None, int]]]:
    """Pairs of neighbouring spans (sorted by start) that share a day."""
    ordered = sorted(spans, key=lambda s: (s[0], s[1] or _OPEN_END, s[2]))
    found = []
    reach: tuple[date, date | None, int] | None = None
    for span in ordered:
        if reach is not None and span[0] <= (reach[1] or _OPEN_END):
            found.append((reach, span))
        if reach is None or (span[1] or _OPEN_END) > (reach[1] or _OPEN_END):
            reach = span
    return found


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
