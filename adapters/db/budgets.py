"""Budgets, the hierarchy and chart-of-accounts imports. Writes are set-based (a 20,000-row
chart is a handful of statements, not 20,000 round trips); reads take a resolved scope."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import String, cast, func, insert, select, update
from sqlalchemy.orm import aliased

from adapters.db.budget_rows import (
    BUDGET_SELECT,
    LEAF,
    NODE_COLUMNS,
    change_row,
    new_node_records,
    node_record,
    node_rows,
)
from adapters.db.models import (
    BudgetImportRow,
    BudgetRow,
    BudgetVersionRow,
    ClosedPeriodRow,
    FiscalYearRow,
    NodeRow,
    UserScopeRow,
)
from adapters.db.repository import Repository
from adapters.db.scope import apply_scope
from domain.budgets.loading import ExistingBudget
from domain.budgets.model import BudgetStatus, HierarchyLabels
from domain.budgets.records import (
    BudgetChange,
    BudgetRecord,
    ImportRecord,
    NewBudget,
    NewImport,
    NewNode,
    NewVersion,
    NodeRecord,
    VersionRecord,
)
from domain.scope import ResolvedScope

# Rows per executemany: each batch is a short step on the event loop.
_BATCH = 1000


class BudgetRepository(Repository[BudgetRow]):
    model = BudgetRow

    # --- years -----------------------------------------------------------------------------
    async def labels(self, year: int) -> HierarchyLabels | None:
        row = await self.session.get(FiscalYearRow, year)
        if row is None:
            return None
        return HierarchyLabels(row.label_1, row.label_2, row.label_3, row.label_4)

    async def years(self) -> list[tuple[int, HierarchyLabels]]:
        rows = await self.session.scalars(select(FiscalYearRow).order_by(FiscalYearRow.year))
        return [(r.year, HierarchyLabels(r.label_1, r.label_2, r.label_3, r.label_4)) for r in rows]

    async def save_labels(self, year: int, labels: HierarchyLabels) -> None:
        row = await self.session.get(FiscalYearRow, year)
        if row is None:
            row = FiscalYearRow(year=year)
            self.session.add(row)
        row.label_1, row.label_2, row.label_3, row.label_4 = labels.as_tuple()
        await self.session.flush()

    async def closed_periods(self) -> set[str]:
        return set((await self.session.scalars(select(ClosedPeriodRow.period))).all())

    # --- nodes -----------------------------------------------------------------------------
    async def nodes(self, year: int, scope: ResolvedScope | None = None) -> list[NodeRecord]:
        # columns, not ORM objects: a year holds thousands of nodes and the hierarchy reads
        # them all on every request (identity-map bookkeeping was most of the read's cost)
        stmt = NODE_COLUMNS.where(NodeRow.year == year)
        if scope is not None:
            stmt = apply_scope(stmt, scope, NodeRow.path)
        rows = await self.session.execute(stmt.order_by(NodeRow.level, NodeRow.name_key))
        return [NodeRecord(*r) for r in rows]

    async def nodes_by_id(self, ids: Iterable[int]) -> dict[int, NodeRecord]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        rows = await self.session.scalars(select(NodeRow).where(NodeRow.id.in_(wanted)))
        return {r.id: node_record(r) for r in rows}

    async def ancestors(self, node_ids: Iterable[int]) -> dict[int, NodeRecord]:
        """The nodes on the paths of `node_ids` (to show where a scoped subtree hangs)."""
        nodes = await self.nodes_by_id(node_ids)
        above = {int(p) for n in nodes.values() for p in n.path.strip("/").split("/") if p}
        return await self.nodes_by_id(above)

    async def _execute_many(self, statement: Any, rows: Sequence[dict[str, Any]]) -> None:
        """An executemany in batches: SQLAlchemy prepares the parameters on the event loop,
        so one call with 50,000 rows would hold every other request up for seconds."""
        for start in range(0, len(rows), _BATCH):
            await self.session.execute(statement, rows[start : start + _BATCH])
            await asyncio.sleep(0)

    async def create_nodes(self, year: int, new: Sequence[NewNode]) -> list[NodeRecord]:
        """Insert nodes of one level at once, then give each its materialized path in one
        UPDATE. A plain executemany INSERT (no RETURNING) stays batched on every driver; the
        ids are read back by the unique (year, parent, name) key."""
        if not new:
            return []
        levels = {n.level for n in new}
        assert len(levels) == 1, "create_nodes takes the nodes of one level"
        level = levels.pop()
        await self._execute_many(insert(NodeRow), await asyncio.to_thread(node_rows, year, new))
        parent = aliased(NodeRow)
        parent_path = select(parent.path).where(parent.id == NodeRow.parent_id).scalar_subquery()
        await self.session.execute(
            update(NodeRow)
            .where(NodeRow.year == year, NodeRow.level == level, NodeRow.path == "")
            .values(path=func.coalesce(parent_path, "/") + cast(NodeRow.id, String) + "/")
            .execution_options(synchronize_session=False)
        )
        rows = await self.session.execute(
            select(NodeRow.id, NodeRow.parent_key, NodeRow.name_key, NodeRow.path).where(
                NodeRow.year == year, NodeRow.level == level
            )
        )
        # The rows are fetched; turning 50,000 of them into a lookup is per-row Python work,
        # which runs in a worker thread like the rest of a large load.
        found = await asyncio.to_thread(
            lambda: {(r.parent_key, r.name_key): (r.id, r.path) for r in rows}
        )
        return await asyncio.to_thread(new_node_records, year, new, found)

    # --- budgets ---------------------------------------------------------------------------
    def _budget_select(self) -> tuple[Any, Any]:
        return BUDGET_SELECT, LEAF

    @staticmethod
    def _record(row: Any) -> BudgetRecord:
        (
            budget_id,
            year,
            node_id,
            status,
            start_date,
            retired_from,
            attributes,
            name1,
            name2,
            name3,
            name4,
            id1,
            id2,
            id3,
            amount,
        ) = row
        return BudgetRecord(
            id=budget_id,
            year=year,
            node_id=node_id,
            path=(name1, name2, name3, name4),
            node_ids=(id1, id2, id3, node_id),
            status=BudgetStatus(status),
            start_date=start_date,
            retired_from=retired_from,
            annual_amount=Decimal(amount) if amount is not None else Decimal("0.00"),
            attributes=dict(attributes or {}),
        )

    async def list_budgets(
        self, scope: ResolvedScope, *, year: int | None = None, status: str | None = None
    ) -> list[BudgetRecord]:
        stmt, leaf = self._budget_select()
        stmt = apply_scope(stmt, scope, leaf.path)
        if year is not None:
            stmt = stmt.where(BudgetRow.year == year)
        if status:
            stmt = stmt.where(BudgetRow.status == status)
        rows = await self.session.execute(stmt.order_by(BudgetRow.year, leaf.path))
        return [self._record(r) for r in rows]

    async def get_budget(self, scope: ResolvedScope, budget_id: int) -> BudgetRecord | None:
        stmt, leaf = self._budget_select()
        stmt = apply_scope(stmt.where(BudgetRow.id == budget_id), scope, leaf.path)
        row = (await self.session.execute(stmt)).first()
        if row is None:
            return None
        versions = await self.session.scalars(
            select(BudgetVersionRow)
            .where(BudgetVersionRow.budget_id == budget_id)
            .order_by(BudgetVersionRow.effective_from, BudgetVersionRow.id)
        )
        record = self._record(row)
        return BudgetRecord(
            **{
                **vars(record),
                "versions": tuple(
                    VersionRecord(
                        Decimal(v.annual_amount),
                        v.effective_from,
                        v.created_by,
                        v.created_at,
                        v.import_id,
                    )
                    for v in versions
                ),
            }
        )

    async def existing_budgets(self, year: int) -> list[ExistingBudget]:
        records = await self.list_budgets(ResolvedScope(prefixes=None), year=year)
        return [
            ExistingBudget(
                id=r.id,
                path=r.path,
                annual_amount=r.annual_amount,
                status=r.status,
                start_date=r.start_date,
                attributes=r.attributes,
            )
            for r in records
        ]

    async def create_budgets(self, year: int, new: Sequence[NewBudget]) -> list[int]:
        if not new:
            return []
        values = await asyncio.to_thread(
            lambda: [
                {
                    "year": year,
                    "status": BudgetStatus.ACTIVE.value,
                    "retired_from": None,
                    "node_id": b.node_id,
                    "start_date": b.start_date,
                    "attributes": dict(b.attributes),
                }
                for b in new
            ]
        )
        await self._execute_many(insert(BudgetRow), values)
        ids: dict[int, int] = {}
        wanted = [b.node_id for b in new]
        for start in range(0, len(wanted), 1000):
            found = await self.session.execute(
                select(BudgetRow.node_id, BudgetRow.id).where(
                    BudgetRow.node_id.in_(wanted[start : start + 1000])
                )
            )
            ids.update({r.node_id: r.id for r in found})
        return [ids[node_id] for node_id in wanted]

    async def add_versions(self, versions: Sequence[NewVersion]) -> None:
        if versions:
            rows = await asyncio.to_thread(
                lambda: [
                    {
                        "budget_id": v.budget_id,
                        "annual_amount": v.annual_amount,
                        "effective_from": v.effective_from,
                        "import_id": v.import_id,
                        "created_by": v.created_by,
                    }
                    for v in versions
                ]
            )
            await self._execute_many(insert(BudgetVersionRow), rows)

    async def set_budgets(self, changes: Sequence[BudgetChange]) -> None:
        """Bulk update of budget rows by id (status, retired_from, attributes)."""
        if changes:
            await self._execute_many(update(BudgetRow), [change_row(c) for c in changes])

    async def versions_by_budget(self, ids: Iterable[int]) -> dict[int, list[VersionRecord]]:
        out: dict[int, list[VersionRecord]] = defaultdict(list)
        wanted = list(ids)
        for start in range(0, len(wanted), 1000):
            rows = await self.session.scalars(
                select(BudgetVersionRow)
                .where(BudgetVersionRow.budget_id.in_(wanted[start : start + 1000]))
                .order_by(BudgetVersionRow.effective_from, BudgetVersionRow.id)
            )
            for v in rows:
                out[v.budget_id].append(
                    VersionRecord(
                        Decimal(v.annual_amount),
                        v.effective_from,
                        v.created_by,
                        v.created_at,
                        v.import_id,
                    )
                )
        return out

    # --- imports ---------------------------------------------------------------------------
    async def add_import(self, new: NewImport) -> int:
        row = BudgetImportRow(
            year=new.year,
            filename=new.filename,
            options=dict(new.options),
            counts=dict(new.counts),
            object_key=new.object_key,
            sha256=new.sha256,
            size_bytes=new.size_bytes,
            uploaded_by_id=new.uploaded_by_id,
            uploaded_by=new.uploaded_by,
            uploaded_at=new.uploaded_at,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def set_import_counts(self, import_id: int, counts: dict[str, int]) -> None:
        row = await self.session.get(BudgetImportRow, import_id)
        assert row is not None
        row.counts = counts
        await self.session.flush()

    async def get_import(self, import_id: int) -> ImportRecord | None:
        r = await self.session.get(BudgetImportRow, import_id)
        if r is None:
            return None
        return ImportRecord(
            r.id,
            r.year,
            r.filename,
            r.options,
            r.counts,
            r.object_key,
            r.sha256,
            r.size_bytes,
            r.uploaded_by,
            r.uploaded_at,
        )

    async def list_imports(self, *, year: int | None = None) -> list[ImportRecord]:
        stmt = select(BudgetImportRow).order_by(BudgetImportRow.id.desc())
        if year is not None:
            stmt = stmt.where(BudgetImportRow.year == year)
        rows = await self.session.scalars(stmt)
        return [
            ImportRecord(
                r.id,
                r.year,
                r.filename,
                r.options,
                r.counts,
                r.object_key,
                r.sha256,
                r.size_bytes,
                r.uploaded_by,
                r.uploaded_at,
            )
            for r in rows
        ]

    # --- scope mapping ---------------------------------------------------------------------
    async def scope_of(self, user_id: int) -> frozenset[int]:
        rows = await self.session.scalars(
            select(UserScopeRow.node_id).where(UserScopeRow.user_id == user_id)
        )
        return frozenset(rows.all())

    async def set_scope(self, user_id: int, node_ids: Iterable[int]) -> None:
        current = await self.scope_of(user_id)
        wanted = set(node_ids)
        for node_id in current - wanted:
            row = await self.session.get(UserScopeRow, (user_id, node_id))
            if row is not None:
                await self.session.delete(row)
        for node_id in wanted - current:
            self.session.add(UserScopeRow(user_id=user_id, node_id=node_id))
        await self.session.flush()

    async def count_budgets(self, year: int) -> int:
        return int(
            await self.session.scalar(
                select(func.count()).select_from(BudgetRow).where(BudgetRow.year == year)
            )
            or 0
        )
