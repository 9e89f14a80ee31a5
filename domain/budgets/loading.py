"""Planning a chart-of-accounts load against what the fiscal year already holds.

`plan_load` is pure: it compares the parsed file with the year's budgets and returns a
`LoadPlan` (what to create, which amounts change from when, what to retire) or raises
`RuleViolation` listing every reason the load is refused. The caller applies the plan in
one transaction, so a refused load changes nothing.

The three stories:
- a new year (``is_new``): every product of the file is created from January 1st;
- a product's annual budget updated from a month (``startDate`` 2025-07-01): a changed
  amount becomes a new version effective that month (earlier months keep theirs),
  unchanged products are untouched, new products are created starting that month;
- a new product and its budget: created from the start date, the rest unchanged.

Decisions:
- Products match by path, comparing names ignoring case (`name_key`): a node's name is
  unique among its siblings regardless of case. A match keeps the existing spelling (a
  load does not rename); new products reuse the existing spelling of their ancestors,
  so no case-variant sibling is ever created.
- A product whose only match is a retired budget of the year is reactivated (same
  budget, new version from the start date): history is never deleted.
- A change takes effect from the start date, or from the budget's own start if later.
- ``is_override`` retires every active budget of the year not in the file, effective the
  start date. Without it, budgets missing from the file are left as they are.
- Closed months keep their amounts: an override whose start date falls in or before a
  closed month of the year is refused as a whole (one error); otherwise each create,
  amount change or reactivation that would take effect in or before a closed month is
  refused, one error per file row.
- `ExistingBudget.annual_amount` is the amount currently in force (the latest version);
  a file amount equal to it is "unchanged". Attributes are compared only when the
  caller supplies the existing ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.budgets.chart import ChartOfAccounts, ChartRow
from domain.budgets.filename import LoadOptions
from domain.budgets.model import (
    BudgetStatus,
    HierarchyLabels,
    ProductPath,
    month_start,
    months_from,
)
from domain.budgets.text import name_key
from domain.errors import Conflict, ErrorDetail, RuleViolation

PathKey = tuple[str, ...]


@dataclass(frozen=True)
class ExistingBudget:
    """A product budget the year already holds, as the planner needs it."""

    id: int
    path: ProductPath
    annual_amount: Decimal
    status: BudgetStatus
    start_date: date
    attributes: Mapping[str, str] | None = None


@dataclass(frozen=True)
class PlannedVersion:
    """A new amount and the 1st of the month it takes effect (the caller stamps who/when)."""

    annual_amount: Decimal
    effective_from: date


@dataclass(frozen=True)
class BudgetCreate:
    """A product budget (and any missing ancestor nodes) to create."""

    row: int
    path: ProductPath
    annual_amount: Decimal
    attributes: dict[str, str]
    start_date: date


@dataclass(frozen=True)
class BudgetUpdate:
    """An amount change of an active budget: a new version."""

    budget_id: int
    row: int
    path: ProductPath
    previous_amount: Decimal
    new_version: PlannedVersion


@dataclass(frozen=True)
class AttributeUpdate:
    """New attribute values for a budget (replacing the old set)."""

    budget_id: int
    row: int
    path: ProductPath
    attributes: dict[str, str]


@dataclass(frozen=True)
class BudgetReactivation:
    """A retired budget of the year that the file brings back, with its new amount."""

    budget_id: int
    row: int
    path: ProductPath
    new_version: PlannedVersion
    attributes: dict[str, str]


@dataclass(frozen=True)
class BudgetRetirement:
    """An active budget retired from `effective_date` (its last day is the day before)."""

    budget_id: int
    path: ProductPath
    effective_date: date


@dataclass(frozen=True)
class LoadPlan:
    """Everything a load changes; apply all of it in one transaction."""

    options: LoadOptions
    labels: HierarchyLabels
    creates: tuple[BudgetCreate, ...]
    updates: tuple[BudgetUpdate, ...]
    attribute_updates: tuple[AttributeUpdate, ...]
    reactivations: tuple[BudgetReactivation, ...]
    retirements: tuple[BudgetRetirement, ...]
    unchanged: int

    @property
    def created(self) -> int:
        """Products created."""
        return len(self.creates)

    @property
    def updated(self) -> int:
        """Budgets whose amount or attributes change."""
        return len(
            {u.budget_id for u in self.updates} | {a.budget_id for a in self.attribute_updates}
        )

    @property
    def reactivated(self) -> int:
        """Retired budgets brought back."""
        return len(self.reactivations)

    @property
    def retired(self) -> int:
        """Budgets retired by an override."""
        return len(self.retirements)

    @property
    def counts(self) -> dict[str, int]:
        """The summary shown after a load."""
        return {
            "created": self.created,
            "updated": self.updated,
            "reactivated": self.reactivated,
            "retired": self.retired,
            "unchanged": self.unchanged,
        }


def path_key(path: Sequence[str]) -> PathKey:
    """The comparison form of a path (names casefolded, trimmed)."""
    return tuple(name_key(n.strip()) for n in path)


def _index_existing(
    existing: Sequence[ExistingBudget],
) -> tuple[dict[PathKey, ExistingBudget], dict[PathKey, ExistingBudget]]:
    """Active budgets by path key, and the latest retired budget of each path key."""
    active_groups: dict[PathKey, list[ExistingBudget]] = defaultdict(list)
    retired: dict[PathKey, ExistingBudget] = {}
    for budget in existing:
        key = path_key(budget.path)
        if budget.status is BudgetStatus.ACTIVE:
            active_groups[key].append(budget)
            continue
        previous = retired.get(key)
        if previous is None or (budget.start_date, budget.id) > (previous.start_date, previous.id):
            retired[key] = budget
    clashes = [group for group in active_groups.values() if len(group) > 1]
    if clashes:
        raise Conflict(
            "the year holds several active budgets with the same product path",
            errors=[
                ErrorDetail(
                    message=(
                        f"active budgets {', '.join(str(b.id) for b in group)} share the "
                        f"path {' / '.join(group[0].path)}"
                    )
                )
                for group in clashes
            ],
        )
    return {key: group[0] for key, group in active_groups.items()}, retired


def _canonical_spelling(existing: Sequence[ExistingBudget]) -> dict[PathKey, str]:
    """Existing spelling of each ancestor prefix (active budgets take precedence)."""
    spelling: dict[PathKey, str] = {}
    ordered = sorted(existing, key=lambda b: b.status is BudgetStatus.ACTIVE)
    for budget in ordered:  # active last, so they overwrite retired spellings
        key = path_key(budget.path)
        for level in range(3):
            spelling[key[: level + 1]] = budget.path[level].strip()
    return spelling


def _respell(path: ProductPath, spelling: Mapping[PathKey, str]) -> ProductPath:
    key = path_key(path)
    names = [spelling.get(key[: level + 1], path[level]) for level in range(3)]
    return (names[0], names[1], names[2], path[3])


def _closed_from(effective: date, closed_periods: Set[str]) -> list[str]:
    return [m for m in months_from(effective) if m in closed_periods]


def _closed_error(row: ChartRow, column: str, what: str, closed: list[str]) -> ErrorDetail:
    return ErrorDetail(
        message=(
            f"{what} would take effect in or before closed month(s) {', '.join(closed)}; "
            "closed periods keep their amounts"
        ),
        row=row.row,
        column=column,
    )


def plan_load(
    existing: Sequence[ExistingBudget],
    chart: ChartOfAccounts,
    options: LoadOptions,
    closed_periods: Set[str],
) -> LoadPlan:
    """Plan loading `chart` into `options.effective_year`, whose budgets are `existing`.

    `closed_periods` holds the closed months as ``'YYYY-MM'``. Raises `RuleViolation`
    listing every refused change, `Conflict` when the existing budgets clash.
    """
    start = options.start_date
    if start.day != 1 or start.year != options.effective_year:
        raise RuleViolation(
            "the load options are invalid",
            errors=[
                ErrorDetail(
                    message=(
                        f"start_date {start.isoformat()} must be the 1st of a month "
                        f"within {options.effective_year}"
                    ),
                    field="start_date",
                )
            ],
        )
    active, retired = _index_existing(existing)
    spelling = _canonical_spelling(existing)
    amount_column = chart.amount_header
    errors: list[ErrorDetail] = []

    closed_after_start = _closed_from(start, closed_periods)
    if options.is_override and closed_after_start:
        raise RuleViolation(
            "the override was refused",
            errors=[
                ErrorDetail(
                    message=(
                        f"an override from {start.isoformat()} would change closed month(s) "
                        f"{', '.join(closed_after_start)} of {options.effective_year}; "
                        "history is archived, never deleted: start after the last "
                        "closed month"
                    ),
                    field="start_date",
                )
            ],
        )

    creates: list[BudgetCreate] = []
    updates: list[BudgetUpdate] = []
    attribute_updates: list[AttributeUpdate] = []
    reactivations: list[BudgetReactivation] = []
    unchanged = 0
    in_file: set[PathKey] = set()

    for row in chart.rows:
        key = path_key(row.path)
        in_file.add(key)
        budget = active.get(key)
        if budget is not None:
            effective = max(start, month_start(budget.start_date))
            amount_changed = row.annual_amount != budget.annual_amount
            attributes_changed = budget.attributes is not None and dict(budget.attributes) != dict(
                row.attributes
            )
            if amount_changed:
                closed = _closed_from(effective, closed_periods)
                if closed:
                    errors.append(_closed_error(row, amount_column, "the amount change", closed))
                    continue
                updates.append(
                    BudgetUpdate(
                        budget_id=budget.id,
                        row=row.row,
                        path=budget.path,
                        previous_amount=budget.annual_amount,
                        new_version=PlannedVersion(row.annual_amount, effective),
                    )
                )
            if attributes_changed:
                attribute_updates.append(
                    AttributeUpdate(budget.id, row.row, budget.path, dict(row.attributes))
                )
            if not amount_changed and not attributes_changed:
                unchanged += 1
            continue

        old = retired.get(key)
        if old is not None:
            effective = max(start, month_start(old.start_date))
            closed = _closed_from(effective, closed_periods)
            if closed:
                errors.append(_closed_error(row, amount_column, "bringing back", closed))
                continue
            reactivations.append(
                BudgetReactivation(
                    budget_id=old.id,
                    row=row.row,
                    path=old.path,
                    new_version=PlannedVersion(row.annual_amount, effective),
                    attributes=dict(row.attributes),
                )
            )
            continue

        if closed_after_start:
            errors.append(_closed_error(row, amount_column, "the new budget", closed_after_start))
            continue
        creates.append(
            BudgetCreate(
                row=row.row,
                path=_respell(row.path, spelling),
                annual_amount=row.annual_amount,
                attributes=dict(row.attributes),
                start_date=start,
            )
        )

    if errors:
        raise RuleViolation(
            f"the load was refused: {len(errors)} change(s) fall in closed months",
            errors=errors,
        )

    retirements: list[BudgetRetirement] = []
    if options.is_override:
        for key, budget in active.items():
            if key not in in_file:
                retirements.append(
                    BudgetRetirement(
                        budget_id=budget.id,
                        path=budget.path,
                        effective_date=max(start, month_start(budget.start_date)),
                    )
                )

    return LoadPlan(
        options=options,
        labels=chart.labels,
        creates=tuple(creates),
        updates=tuple(updates),
        attribute_updates=tuple(attribute_updates),
        reactivations=tuple(reactivations),
        retirements=tuple(retirements),
        unchanged=unchanged,
    )
