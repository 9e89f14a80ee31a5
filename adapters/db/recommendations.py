"""Recommendations in the database: the `RecommendationStore` port. The columns lists filter
and sort on are columns; the rest of the export row is JSON encoded here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    case,
    delete,
    exists,
    false,
    func,
    insert,
    select,
    true,
    update,
)

from adapters.db.models import (
    BudgetRow,
    JobLockRow,
    NodeRow,
    RecommendationBudgetRow,
    RecommendationHistoryRow,
    RecommendationImportRow,
    RecommendationRow,
    UserRow,
)
from adapters.db.repository import Repository
from adapters.db.scope import scope_condition
from domain.errors import Conflict, ErrorDetail
from domain.identity.roles import Role
from domain.recommendations.importing import Update
from domain.recommendations.machine import Status
from domain.recommendations.model import BudgetShare, ExportRow, HistoryEntry, Recommendation
from domain.recommendations.queries import (
    ImportRecord,
    NewImport,
    RecommendationFilter,
    RecommendationPage,
    Sort,
    StatusFilter,
    StatusTotal,
    Visibility,
)

IMPORT_JOB = "recommendations.import"
_COLUMNS = {
    "account_id",
    "action_type",
    "resource_arn",
    "recommendation_id",
    "region",
    "currency_code",
    "monthly_savings",
}
_DECIMALS = {
    "monthly_savings_before_discount",
    "monthly_cost_after_discount",
    "monthly_cost_before_discount",
    "savings_percentage",
}


def _details(row: ExportRow) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(row):
        if f.name in _COLUMNS:
            continue
        value = getattr(row, f.name)
        out[f.name] = str(value) if isinstance(value, Decimal) else value
    return out


def _row_values(row: ExportRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "recommendation_id": row.recommendation_id,
        "account_id": row.account_id,
        "resource_arn": row.resource_arn,
        "action_type": row.action_type,
        "known_action": row.known_action,
        "region": row.region,
        "currency_code": row.currency_code,
        "monthly_savings": row.monthly_savings,
        "details": _details(row),
    }


def _export_row(r: RecommendationRow) -> ExportRow:
    details = dict(r.details)
    for name in _DECIMALS:
        if details.get(name) is not None:
            details[name] = Decimal(details[name])
    return ExportRow(
        account_id=r.account_id,
        action_type=r.action_type,
        resource_arn=r.resource_arn,
        recommendation_id=r.recommendation_id,
        region=r.region,
        currency_code=r.currency_code,
        monthly_savings=r.monthly_savings,
        **details,
    )


def _recommendation(r: RecommendationRow, budgets: Sequence[BudgetShare] = ()) -> Recommendation:
    return Recommendation(
        id=r.id,
        key=r.key,
        row=_export_row(r),
        status=Status(r.status),
        version=r.version,
        resource_id=r.resource_id,
        in_cur=r.in_cur,
        resolved_at=r.resolved_at,
        first_seen_at=r.first_seen_at,
        last_seen_at=r.last_seen_at,
        status_changed_at=r.status_changed_at,
        budgets=tuple(budgets),
    )


def _import(r: RecommendationImportRow) -> ImportRecord:
    return ImportRecord(
        source=r.source,
        file_format=r.file_format,
        location=r.location,
        rows_read=r.rows_read,
        created=r.created,
        updated=r.updated,
        unchanged=r.unchanged,
        resolved=r.resolved,
        reappeared=r.reappeared,
        duplicates=r.duplicates,
        unknown_action_types=tuple(r.unknown_action_types),
        not_in_cur=r.not_in_cur,
        imported_by=r.imported_by,
        imported_at=r.imported_at,
        id=r.id,
    )


def _chunks(values: Sequence[int], size: int = 1000) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class RecommendationRepository(Repository[RecommendationRow]):
    model = RecommendationRow

    async def lock_import(self, at: datetime) -> None:
        if self.session.get_bind().dialect.name == "postgresql":
            row = await self.session.scalar(
                select(JobLockRow).where(JobLockRow.name == IMPORT_JOB).with_for_update()
            )
            if row is not None:
                row.last_run_at = at
                await self.session.flush()
                return
        # SQLite: the transaction already holds the single write lock
        result = await self.session.execute(
            update(JobLockRow).where(JobLockRow.name == IMPORT_JOB).values(last_run_at=at)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            self.session.add(JobLockRow(name=IMPORT_JOB, last_run_at=at))
            await self.session.flush()

    async def everything(self) -> list[Recommendation]:
        rows = await self.session.scalars(
            select(RecommendationRow)
            .order_by(RecommendationRow.id)
            .execution_options(populate_existing=True)
        )
        return [_recommendation(r) for r in rows]

    async def add_many(
        self, rows: Sequence[tuple[ExportRow, str, bool]], at: datetime
    ) -> dict[str, int]:
        out: dict[str, int] = {}
        values = [
            {
                **_row_values(row),
                "resource_id": resource_id,
                "in_cur": in_cur,
                "status": Status.NEW.value,
                "version": 1,
                "first_seen_at": at,
                "last_seen_at": at,
            }
            for row, resource_id, in_cur in rows
        ]
        for start in range(0, len(values), 500):
            found = await self.session.execute(
                insert(RecommendationRow).returning(RecommendationRow.key, RecommendationRow.id),
                values[start : start + 500],
            )
            out.update((str(key), int(rec_id)) for key, rec_id in found)
        return out

    async def update_many(self, updates: Sequence[tuple[Update, str, bool]], at: datetime) -> None:
        if not updates:
            return
        # a Core UPDATE on the table: executemany by bound parameters (the ORM's bulk mode
        # would key on the primary key alone, without the version check)
        table = cast(Table, RecommendationRow.__table__)
        statement = (
            update(table)
            .where(
                table.c.id == bindparam("b_id"),
                table.c.version == bindparam("b_version"),
            )
            .values(
                {
                    **{k: bindparam(f"b_{k}") for k in _row_values(updates[0][0].row)},
                    "resource_id": bindparam("b_resource_id"),
                    "in_cur": bindparam("b_in_cur"),
                    "resolved_at": None,
                    "last_seen_at": at,
                    "version": bindparam("b_next"),
                }
            )
        )
        params = [
            {
                **{f"b_{k}": v for k, v in _row_values(u.row).items()},
                "b_id": u.id,
                "b_version": u.expected_version,
                "b_next": u.expected_version + 1,
                "b_resource_id": resource_id,
                "b_in_cur": in_cur,
            }
            for u, resource_id, in_cur in updates
        ]
        for start in range(0, len(params), 500):
            await self.session.execute(statement, params[start : start + 500])
        # executemany gives no per-row count: check that every row took this import's update
        # (a decision meanwhile moves the version but never `last_seen_at`)
        wanted = {u.id: u.expected_version + 1 for u, _, _ in updates}
        for chunk in _chunks(sorted(wanted)):
            rows = await self.session.execute(
                select(
                    RecommendationRow.id, RecommendationRow.version, RecommendationRow.last_seen_at
                ).where(RecommendationRow.id.in_(chunk))
            )
            for rec_id, version, seen in rows:
                if version != wanted[rec_id] or seen != at:
                    raise Conflict(
                        f"recommendation {rec_id} changed during the import; run it again"
                    )

    async def seen(self, ids: Sequence[int], at: datetime) -> None:
        for chunk in _chunks(sorted(ids)):
            await self.session.execute(
                update(RecommendationRow)
                .where(RecommendationRow.id.in_(chunk))
                .values(last_seen_at=at)
                .execution_options(synchronize_session=False)
            )

    async def set_in_cur(self, rec_id: int, in_cur: bool) -> None:
        await self.session.execute(
            update(RecommendationRow)
            .where(RecommendationRow.id == rec_id)
            .values(in_cur=in_cur)
            .execution_options(synchronize_session=False)
        )

    async def resolve(self, recs: Sequence[Recommendation], at: datetime) -> None:
        for chunk in _chunks(sorted(r.id for r in recs)):
            await self.session.execute(
                update(RecommendationRow)
                .where(RecommendationRow.id.in_(chunk))
                .values(resolved_at=at, version=RecommendationRow.version + 1)
                .execution_options(synchronize_session=False)
            )

    async def set_budgets(self, budgets: Mapping[int, Sequence[BudgetShare]]) -> None:
        ids = sorted(budgets)
        for chunk in _chunks(ids):
            await self.session.execute(
                delete(RecommendationBudgetRow).where(
                    RecommendationBudgetRow.recommendation_id.in_(chunk)
                )
            )
        values = [
            {
                "recommendation_id": rec_id,
                "budget_id": s.budget_id,
                "percent": s.percent,
                "via": s.via,
            }
            for rec_id in ids
            for s in budgets[rec_id]
        ]
        for start in range(0, len(values), 1000):
            await self.session.execute(
                insert(RecommendationBudgetRow), values[start : start + 1000]
            )

    async def add_history(self, rec_id: int, entry: HistoryEntry) -> None:
        self.session.add(
            RecommendationHistoryRow(
                recommendation_id=rec_id,
                action=entry.action,
                from_status=entry.from_status.value,
                to_status=entry.to_status.value,
                by_user_id=entry.by,
                by_email=entry.by_email[:320],
                at=entry.at,
                comment=entry.comment[:2000] if entry.comment else None,
            )
        )
        await self.session.flush()

    async def add_history_many(self, entries: Sequence[tuple[int, HistoryEntry]]) -> None:
        values = [
            {
                "recommendation_id": rec_id,
                "action": e.action,
                "from_status": e.from_status.value,
                "to_status": e.to_status.value,
                "by_user_id": e.by,
                "by_email": e.by_email[:320],
                "at": e.at,
                "comment": e.comment[:2000] if e.comment else None,
            }
            for rec_id, e in entries
        ]
        for start in range(0, len(values), 1000):
            await self.session.execute(
                insert(RecommendationHistoryRow), values[start : start + 1000]
            )

    async def history(self, rec_id: int) -> list[HistoryEntry]:
        rows = await self.session.scalars(
            select(RecommendationHistoryRow)
            .where(RecommendationHistoryRow.recommendation_id == rec_id)
            .order_by(RecommendationHistoryRow.id)
        )
        return [
            HistoryEntry(
                r.action,
                Status(r.from_status),
                Status(r.to_status),
                r.by_user_id,
                r.by_email,
                r.at,
                r.comment,
            )
            for r in rows
        ]

    async def save_decision(
        self, rec: Recommendation, expected_version: int, at: datetime
    ) -> Recommendation:
        result = await self.session.execute(
            update(RecommendationRow)
            .where(
                RecommendationRow.id == rec.id,
                RecommendationRow.version == expected_version,
                RecommendationRow.resolved_at.is_(None),
            )
            .values(status=rec.status.value, status_changed_at=at, version=expected_version + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            current = await self.session.scalar(
                select(RecommendationRow.version).where(RecommendationRow.id == rec.id)
            )
            raise Conflict(
                f"the recommendation changed meanwhile (version {current}, you sent "
                f"{expected_version}); reload it",
                [ErrorDetail(message=f"at version {current}", field="version")],
            )
        row = await self.session.get(RecommendationRow, rec.id, populate_existing=True)
        assert row is not None
        return _recommendation(row, rec.budgets)

    # --- reads --------------------------------------------------------------------------------

    def _visible(self, view: Visibility) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if view.accounts is not None:
            conditions.append(
                RecommendationRow.account_id.in_(sorted(view.accounts))
                if view.accounts
                else false()
            )
        if view.budgets is not None and view.budgets.prefixes is not None:
            conditions.append(
                exists(
                    select(RecommendationBudgetRow.budget_id)
                    .join(BudgetRow, BudgetRow.id == RecommendationBudgetRow.budget_id)
                    .join(NodeRow, NodeRow.id == BudgetRow.node_id)
                    .where(
                        RecommendationBudgetRow.recommendation_id == RecommendationRow.id,
                        scope_condition(view.budgets, NodeRow.path),
                    )
                )
            )
        return conditions

    def _filtered(self, filters: RecommendationFilter, *, with_status: bool) -> list[Any]:
        conditions: list[Any] = []
        if filters.action_type is not None:
            conditions.append(RecommendationRow.action_type == filters.action_type)
        if filters.account_id is not None:
            conditions.append(RecommendationRow.account_id == filters.account_id)
        if filters.budget_id is not None:
            conditions.append(
                exists(
                    select(RecommendationBudgetRow.budget_id).where(
                        RecommendationBudgetRow.recommendation_id == RecommendationRow.id,
                        RecommendationBudgetRow.budget_id == filters.budget_id,
                    )
                )
            )
        if filters.open_only:
            conditions += [
                RecommendationRow.resolved_at.is_(None),
                RecommendationRow.status.in_([Status.NEW.value, Status.APPROVED.value]),
            ]
        if with_status and filters.status is not None:
            if filters.status is StatusFilter.RESOLVED:
                conditions.append(RecommendationRow.resolved_at.is_not(None))
            else:
                conditions += [
                    RecommendationRow.resolved_at.is_(None),
                    RecommendationRow.status == filters.status.value,
                ]
        return conditions

    async def page(
        self, view: Visibility, filters: RecommendationFilter, *, limit: int, offset: int
    ) -> RecommendationPage:
        visible = self._visible(view)
        where = and_(true(), *visible, *self._filtered(filters, with_status=True))
        order: list[Any]
        if filters.sort is Sort.SAVINGS:
            order = [
                case((RecommendationRow.monthly_savings.is_(None), 1), else_=0),
                RecommendationRow.monthly_savings.desc(),
            ]
        elif filters.sort is Sort.NEWEST:
            order = [RecommendationRow.first_seen_at.desc()]
        else:
            order = [RecommendationRow.account_id, RecommendationRow.action_type]
        stmt: Select[Any] = (
            select(RecommendationRow)
            .where(where)
            .order_by(*order, RecommendationRow.id)
            .limit(limit)
            .offset(offset)
            .execution_options(populate_existing=True)
        )
        rows = list(await self.session.scalars(stmt))
        total = int(
            await self.session.scalar(
                select(func.count()).select_from(RecommendationRow).where(where)
            )
            or 0
        )
        status_key = case(
            (RecommendationRow.resolved_at.is_not(None), StatusFilter.RESOLVED.value),
            else_=RecommendationRow.status,
        )
        grouped = await self.session.execute(
            select(status_key, func.count(), func.sum(RecommendationRow.monthly_savings))
            .where(and_(true(), *visible, *self._filtered(filters, with_status=False)))
            .group_by(status_key)
        )
        totals = {StatusFilter(s): (int(n), Decimal(v or 0)) for s, n, v in grouped}
        by_status = [StatusTotal(s, *totals.get(s, (0, Decimal("0")))) for s in StatusFilter]
        shares = await self._shares([r.id for r in rows], view)
        return RecommendationPage(
            [_recommendation(r, shares.get(r.id, ())) for r in rows], total, by_status
        )

    async def _shares(
        self, rec_ids: Sequence[int], view: Visibility
    ) -> dict[int, list[BudgetShare]]:
        out: dict[int, list[BudgetShare]] = defaultdict(list)
        scope = view.budgets
        for chunk in _chunks(sorted(rec_ids)):
            rows = await self.session.execute(
                select(RecommendationBudgetRow, NodeRow.path, NodeRow.name)
                .join(BudgetRow, BudgetRow.id == RecommendationBudgetRow.budget_id)
                .join(NodeRow, NodeRow.id == BudgetRow.node_id)
                .where(RecommendationBudgetRow.recommendation_id.in_(chunk))
                .order_by(
                    RecommendationBudgetRow.recommendation_id,
                    RecommendationBudgetRow.percent.desc(),
                    RecommendationBudgetRow.budget_id,
                )
            )
            for share, path, name in rows:
                # an owner sees only the shares of the budgets in their scope
                if scope is None or scope.covers(path):
                    out[share.recommendation_id].append(
                        BudgetShare(share.budget_id, Decimal(share.percent), share.via, name)
                    )
        return out

    async def find(self, view: Visibility, rec_id: int) -> Recommendation | None:
        row = await self.session.scalar(
            select(RecommendationRow)
            .where(RecommendationRow.id == rec_id, *self._visible(view))
            .execution_options(populate_existing=True)
        )
        if row is None:
            return None
        shares = await self._shares([row.id], view)
        return _recommendation(row, shares.get(row.id, ()))

    async def engineers(self) -> list[int]:
        rows = await self.session.scalars(
            select(UserRow.id)
            .where(UserRow.role == Role.CLOUD_ENGINEER.value, UserRow.is_active)
            .order_by(UserRow.id)
        )
        return list(rows)

    async def add_import(self, new: NewImport) -> ImportRecord:
        row = RecommendationImportRow(
            source=new.source[:2000],
            file_format=new.file_format,
            location=new.location[:2000] if new.location else None,
            rows_read=new.rows_read,
            created=new.created,
            updated=new.updated,
            unchanged=new.unchanged,
            resolved=new.resolved,
            reappeared=new.reappeared,
            duplicates=new.duplicates,
            not_in_cur=new.not_in_cur,
            unknown_action_types=list(new.unknown_action_types),
            imported_by=new.imported_by,
            imported_at=new.imported_at,
        )
        self.session.add(row)
        await self.session.flush()
        return _import(row)

    async def imports(self, limit: int) -> list[ImportRecord]:
        rows = await self.session.scalars(
            select(RecommendationImportRow).order_by(RecommendationImportRow.id.desc()).limit(limit)
        )
        return [_import(r) for r in rows]
