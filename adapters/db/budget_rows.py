"""The budget repository's row mapping and prebuilt statements: node rows to records and
back, the budget changes as update rows, and the budget select (built once at import)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from adapters.db.models import BudgetRow, BudgetVersionRow, NodeRow
from domain.budgets.records import BudgetChange, NewNode, NodeRecord
from domain.budgets.text import name_key


def node_record(row: NodeRow) -> NodeRecord:
    return NodeRecord(row.id, row.year, row.level, row.parent_id, row.name, row.path)


def node_rows(year: int, new: Sequence[NewNode]) -> list[dict[str, Any]]:
    return [
        {
            "year": year,
            "level": n.level,
            "parent_id": n.parent_id,
            "parent_key": n.parent_id or 0,
            "name": n.name,
            "name_key": name_key(n.name),
            "path": "",
        }
        for n in new
    ]


def new_node_records(
    year: int, new: Sequence[NewNode], found: dict[tuple[int, str], tuple[int, str]]
) -> list[NodeRecord]:
    out = []
    for n in new:
        node_id, path = found[(n.parent_id or 0, name_key(n.name))]
        out.append(NodeRecord(node_id, year, n.level, n.parent_id, n.name, path))
    return out


def change_row(change: BudgetChange) -> dict[str, Any]:
    row: dict[str, Any] = {"id": change.budget_id}
    if change.attributes is not None:
        row["attributes"] = dict(change.attributes)
    if change.status is not None:
        row["status"] = change.status.value
        row["retired_from"] = change.retired_from
    return row


def _build_budget_select() -> tuple[Any, Any]:
    """A budget with the names and ids of its path and its latest annual amount. Built once:
    the statement is immutable (`.where()` copies it), and building the four-way join of
    node aliases on every request cost a quarter of a budget list's time."""
    n4, n3, n2, n1 = (aliased(NodeRow, name=f"node_{level}") for level in (4, 3, 2, 1))
    latest = (
        select(BudgetVersionRow.annual_amount)
        .where(BudgetVersionRow.budget_id == BudgetRow.id)
        .order_by(BudgetVersionRow.effective_from.desc(), BudgetVersionRow.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    stmt = (
        # columns, not the entity: a Financial Admin's list is thousands of rows, and
        # identity-mapped entities cost more than the query
        select(
            BudgetRow.id,
            BudgetRow.year,
            BudgetRow.node_id,
            BudgetRow.status,
            BudgetRow.start_date,
            BudgetRow.retired_from,
            BudgetRow.attributes,
            n1.name,
            n2.name,
            n3.name,
            n4.name,
            n1.id,
            n2.id,
            n3.id,
            latest.label("amount"),
        )
        .join(n4, n4.id == BudgetRow.node_id)
        .join(n3, n3.id == n4.parent_id)
        .join(n2, n2.id == n3.parent_id)
        .join(n1, n1.id == n2.parent_id)
    )
    return stmt, n4


BUDGET_SELECT, LEAF = _build_budget_select()
NODE_COLUMNS: Any = select(
    NodeRow.id, NodeRow.year, NodeRow.level, NodeRow.parent_id, NodeRow.name, NodeRow.path
)
