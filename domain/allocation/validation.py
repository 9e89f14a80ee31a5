"""Why a set of allocation rules cannot be applied: the checks behind
`AllocationRules.validate()`, each returning the problems it found with the field or row they
name (a day in two split versions of one account, a resource claimed by two workloads on one
day, a split that does not total 100.00%, a malformed value)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from domain.accounts.model import is_account_id
from domain.errors import ErrorDetail

if TYPE_CHECKING:
    from domain.allocation.rules import ClaimSpan, NegotiatedDiscount, SplitLine

HUNDRED = Decimal("100.00")
CENT = Decimal("0.01")
_OPEN_END = date.max


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


def split_line_errors(lines: Sequence[SplitLine]) -> list[ErrorDetail]:
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


def split_version_errors(lines: Sequence[SplitLine]) -> list[ErrorDetail]:
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


def claim_errors(claims: Sequence[ClaimSpan]) -> list[ErrorDetail]:
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


def discount_errors(discounts: Sequence[NegotiatedDiscount]) -> list[ErrorDetail]:
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
