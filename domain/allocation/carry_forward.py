"""Carry forward: the turn of the fiscal year for account splits, workloads and claims.

A split, a workload and a claim end with their budget's year (SPEC section 3). When the new
year's chart is loaded, Finance carries them forward in one previewed step onto the products
with the same hierarchy path (names compared as sibling uniqueness compares them: trimmed,
casefolded):

- a split in force on 31 December of `from_year` → the same percentages from 1 January of
  `to_year`, line by line onto the same-path budgets; an account whose split has a line
  without an active same-path budget is not carried at all (a partial split would not total
  100%);
- a workload running in December (its teardown month is December) → the same name, account,
  estimate and calculator link under the same-path budget, from January to December;
- an open claim of a carried workload → released on 31 December and claimed to the new
  workload from 1 January.

What cannot be carried is listed with the reason and never blocks the rest: applying
(`service.carry_forward`) carries every carriable item or, on any error, nothing. Running it
again is idempotent: what is already there is listed as already carried and nothing is
duplicated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from domain.allocation.rules import year_end
from domain.allocation.splits import SplitVersion
from domain.allocation.workloads import Claim, Workload
from domain.budgets.text import name_key
from domain.errors import ErrorDetail, RuleViolation

PathKey = tuple[str, ...]


class CarryStatus(StrEnum):
    PROPOSED = "proposed"
    CARRIED = "carried"
    ALREADY_CARRIED = "already_carried"


@dataclass(frozen=True)
class YearBudget:
    """A product budget of either year with its hierarchy path (top level first)."""

    id: int
    year: int
    path: tuple[str, ...]
    active: bool

    @property
    def key(self) -> PathKey:
        return tuple(name_key(n.strip()) for n in self.path)


@dataclass(frozen=True)
class CarriedLine:
    from_budget_id: int
    to_budget_id: int
    path: tuple[str, ...]
    percent: Decimal


@dataclass(frozen=True)
class SplitCarry:
    account_id: str
    source: SplitVersion
    effective_from: date
    lines: tuple[CarriedLine, ...]
    status: CarryStatus


@dataclass(frozen=True)
class WorkloadCarry:
    source: Workload
    to_budget_id: int
    path: tuple[str, ...]
    status: CarryStatus
    # the new year's workload: set when it exists already or once carried
    new_workload_id: int | None = None


@dataclass(frozen=True)
class ClaimCarry:
    source: Claim
    from_workload_id: int
    to_budget_id: int
    effective_from: date
    status: CarryStatus
    # None while the new workload is only proposed
    to_workload_id: int | None = None


@dataclass(frozen=True)
class NotCarried:
    kind: str  # split | workload | claim
    ref: str
    account_id: str
    reason: str


@dataclass(frozen=True)
class CarryPlan:
    from_year: int
    to_year: int
    splits: tuple[SplitCarry, ...]
    workloads: tuple[WorkloadCarry, ...]
    claims: tuple[ClaimCarry, ...]
    not_carried: tuple[NotCarried, ...]

    @property
    def pending(self) -> bool:
        statuses = [i.status for i in self.splits] + [i.status for i in self.workloads]
        return CarryStatus.PROPOSED in statuses + [i.status for i in self.claims]


def _label(path: Sequence[str]) -> str:
    return " / ".join(path)


def _target(
    budget_id: int,
    from_budgets: Mapping[int, YearBudget],
    to_by_path: Mapping[PathKey, YearBudget],
    to_year: int,
) -> tuple[YearBudget | None, str]:
    """The same-path budget of the new year, or None and why not."""
    source = from_budgets.get(budget_id)
    if source is None:
        return None, f"budget {budget_id} is not a budget of the year carried from"
    target = to_by_path.get(source.key)
    if target is None:
        return None, (f"product {_label(source.path)} has no {to_year} budget (retired or renamed)")
    if not target.active:
        return None, f"product {_label(source.path)} is retired in {to_year}"
    return target, ""


def plan_carry_forward(
    *,
    from_year: int,
    to_year: int,
    budgets: Sequence[YearBudget],
    splits: Sequence[SplitVersion],
    workloads: Sequence[Workload],
    claims: Sequence[Claim],
    closed_periods: Set[str],
) -> CarryPlan:
    """What carries from `from_year` to `to_year`, what is there already, and what cannot."""
    errors: list[ErrorDetail] = []
    if to_year != from_year + 1:
        errors.append(
            ErrorDetail(
                message=f"carry forward goes to the next year ({from_year + 1})", field="to_year"
            )
        )
    from_budgets = {b.id: b for b in budgets if b.year == from_year}
    to_budgets = [b for b in budgets if b.year == to_year]
    if not from_budgets:
        errors.append(ErrorDetail(message=f"no {from_year} chart is loaded", field="from_year"))
    if not to_budgets and not errors:
        errors.append(
            ErrorDetail(
                message=f"no {to_year} chart is loaded: load the new year's chart first",
                field="to_year",
            )
        )
    if f"{to_year:04d}-01" in closed_periods:
        errors.append(
            ErrorDetail(
                message=f"{to_year:04d}-01 is closed: nothing can be carried into it",
                field="to_year",
            )
        )
    if errors:
        raise RuleViolation("the carry forward is not possible", errors)

    start = date(to_year, 1, 1)
    last_day = year_end(from_year)
    # active budgets win over retired ones of the same path
    to_by_path: dict[PathKey, YearBudget] = {}
    for b in sorted(to_budgets, key=lambda b: (b.active, -b.id)):
        to_by_path[b.key] = b
    not_carried: list[NotCarried] = []

    # --- splits
    by_account: dict[str, list[SplitVersion]] = {}
    for v in splits:
        by_account.setdefault(v.account_id, []).append(v)
    split_carries: list[SplitCarry] = []
    for account_id, versions in sorted(by_account.items()):
        versions.sort(key=lambda v: v.effective_from)
        source = next(
            (v for v in versions if v.effective_from.year == from_year and v.in_force(last_day)),
            None,
        )
        if source is None:
            continue
        lines: list[CarriedLine] = []
        problems: list[str] = []
        for share in source.shares:
            target, why = _target(share.budget_id, from_budgets, to_by_path, to_year)
            if target is None:
                problems.append(why)
            else:
                lines.append(CarriedLine(share.budget_id, target.id, target.path, share.percent))
        later = [v for v in versions if v.effective_from > last_day]
        if later:
            first = later[0]
            same = first.effective_from == start and sorted(
                (s.budget_id, s.percent) for s in first.shares
            ) == sorted((ln.to_budget_id, ln.percent) for ln in lines)
            if same and not problems:
                split_carries.append(
                    SplitCarry(account_id, source, start, tuple(lines), CarryStatus.ALREADY_CARRIED)
                )
            else:
                not_carried.append(
                    NotCarried(
                        "split",
                        str(source.id),
                        account_id,
                        f"the account already has a split from "
                        f"{first.effective_from.isoformat()}; it is left as it is",
                    )
                )
            continue
        if problems:
            not_carried.append(NotCarried("split", str(source.id), account_id, "; ".join(problems)))
            continue
        split_carries.append(
            SplitCarry(account_id, source, start, tuple(lines), CarryStatus.PROPOSED)
        )

    # --- workloads
    december = date(from_year, 12, 1)
    existing = {
        (w.budget_id, w.account_id, name_key(w.name)): w
        for w in workloads
        if w.budget_id in {b.id for b in to_budgets}
    }
    workload_carries: dict[int, WorkloadCarry] = {}
    ended: dict[int, Workload] = {}
    for w in sorted(workloads, key=lambda w: w.id):
        if w.budget_id not in from_budgets:
            continue
        if w.end_month < december:
            ended[w.id] = w
            continue
        target, why = _target(w.budget_id, from_budgets, to_by_path, to_year)
        if target is None:
            not_carried.append(NotCarried("workload", str(w.id), w.account_id, why))
            continue
        there = existing.get((target.id, w.account_id, name_key(w.name)))
        workload_carries[w.id] = WorkloadCarry(
            w,
            target.id,
            target.path,
            CarryStatus.ALREADY_CARRIED if there else CarryStatus.PROPOSED,
            there.id if there else None,
        )

    # --- claims
    claim_carries: list[ClaimCarry] = []
    for c in sorted(claims, key=lambda c: c.id):
        if c.released_at is not None:
            continue
        carry = workload_carries.get(c.workload_id)
        if carry is None:
            if c.workload_id in ended:
                why = (
                    f"its workload {c.workload_id} ended in "
                    f"{ended[c.workload_id].end_month.isoformat()[:7]}"
                )
                not_carried.append(NotCarried("claim", str(c.id), c.account_id, why))
            elif any(n.kind == "workload" and n.ref == str(c.workload_id) for n in not_carried):
                not_carried.append(
                    NotCarried(
                        "claim",
                        str(c.id),
                        c.account_id,
                        f"its workload {c.workload_id} is not carried",
                    )
                )
            continue
        claim_carries.append(
            ClaimCarry(
                c,
                c.workload_id,
                carry.to_budget_id,
                start,
                CarryStatus.PROPOSED,
                carry.new_workload_id,
            )
        )
    # claims already carried: the new workload's claims from 1 January
    carried_workloads = {
        c.new_workload_id: c for c in workload_carries.values() if c.new_workload_id
    }
    for c in sorted(claims, key=lambda c: c.id):
        carry = carried_workloads.get(c.workload_id)
        if carry is not None and c.effective_from == start:
            claim_carries.append(
                ClaimCarry(
                    c,
                    carry.source.id,
                    c.budget_id,
                    start,
                    CarryStatus.ALREADY_CARRIED,
                    c.workload_id,
                )
            )
    return CarryPlan(
        from_year,
        to_year,
        tuple(split_carries),
        tuple(workload_carries.values()),
        tuple(claim_carries),
        tuple(not_carried),
    )
