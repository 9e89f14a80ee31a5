"""The dashboard's "Add line item": one product budget under four names, checked by the same
parser and planner as a chart of accounts and written the same way (`service.apply_plan`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from domain.audit import Actor, AuditEntry
from domain.budgets.chart import MAX_ATTRIBUTES, ChartOfAccounts, parse_chart_of_accounts
from domain.budgets.filename import LoadOptions
from domain.budgets.loading import plan_load
from domain.budgets.model import HierarchyLabels
from domain.budgets.service import apply_plan
from domain.budgets.text import name_key
from domain.errors import Conflict, ErrorDetail, RuleViolation
from domain.ports import UnitOfWork


@dataclass(frozen=True)
class LineItem:
    """The dashboard's "Add line item": a product budget under four names."""

    year: int
    path: Sequence[str]
    annual_amount: str
    start_date: date | None
    attributes: Mapping[str, str]


async def add_line_item(uow: UnitOfWork, actor: Actor, item: LineItem) -> int:
    """Add one product budget (creating missing nodes): the dashboard's "Add line item"."""
    store = uow.budgets
    year, start_date = item.year, item.start_date
    labels = await store.labels(year)
    if labels is None:
        raise RuleViolation(
            f"year {year} has no naming yet",
            [ErrorDetail(message=f"define the year {year} (its level labels) first", field="year")],
        )
    start = start_date or date(year, 1, 1)
    # Reuse the chart rules: the same parser and planner validate one line item.
    line = _one_line_chart(labels, item.path, item.annual_amount, item.attributes)
    options = LoadOptions(
        customer="dashboard",
        effective_year=year,
        is_new=False,
        start_date=start,
        is_override=False,
        version="ui",
    )
    existing = await store.existing_budgets(year)
    keys = {tuple(name_key(n) for n in e.path) for e in existing}
    if tuple(name_key(n) for n in line.rows[0].path) in keys:
        raise Conflict(
            "this product already has a budget in the year; change its amount instead",
            [ErrorDetail(message="duplicate product", field="path")],
        )
    plan = plan_load(existing, line, options, await store.closed_periods())
    await apply_plan(store, plan, actor=actor, import_id=None)
    created = [
        b
        for b in await store.existing_budgets(year)
        if tuple(name_key(n) for n in b.path) not in keys
    ]
    budget_id = created[0].id
    await uow.audit.record(
        AuditEntry(
            actor,
            "budget.create",
            "budget",
            str(budget_id),
            after={
                "path": list(line.rows[0].path),
                "annual_amount": str(line.rows[0].annual_amount),
                "start_date": start.isoformat(),
            },
        )
    )
    return budget_id


def _one_line_chart(
    labels: HierarchyLabels, path: Sequence[str], amount: str, attributes: Mapping[str, str]
) -> ChartOfAccounts:
    errors: list[ErrorDetail] = []
    if len(path) != 4:
        raise RuleViolation(
            "a line item needs four names",
            [ErrorDetail(message="exactly four names are needed, top level first", field="path")],
        )
    if len(attributes) > MAX_ATTRIBUTES:
        raise RuleViolation(
            "too many attributes",
            [
                ErrorDetail(
                    message=f"at most {MAX_ATTRIBUTES} attributes are allowed, "
                    f"found {len(attributes)}",
                    field="attributes",
                )
            ],
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    extra = list(attributes)
    writer.writerow([*labels.as_tuple(), "Amount", *extra])
    writer.writerow([*path, amount, *[attributes[k] for k in extra]])
    try:
        return parse_chart_of_accounts(buffer.getvalue().encode())
    except RuleViolation as exc:
        fields = {1: "path.0", 2: "path.1", 3: "path.2", 4: "path.3", 5: "annual_amount"}
        names = list(labels.as_tuple()) + ["Amount"]
        for e in exc.errors:
            column = e.column
            index = names.index(column) + 1 if column in names else None
            field = fields.get(index or 0) or (
                f"attributes.{column}" if column in attributes else "attributes"
            )
            errors.append(ErrorDetail(message=e.message, field=field))
        raise RuleViolation("the line item is not valid", errors) from exc
