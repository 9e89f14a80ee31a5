"""Recommendations in the database: the `RecommendationStore` port. The writes are here (the
import's bulk inserts and version-checked updates, decisions, budget shares, history); the reads
in `recommendation_reads.py`, the row ↔ domain mapping in `recommendation_rows.py`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, insert, select, update

from adapters.db.models import (
    JobLockRow,
    RecommendationBudgetRow,
    RecommendationHistoryRow,
    RecommendationImportRow,
    RecommendationRow,
)
from adapters.db.recommendation_reads import RecommendationReads
from adapters.db.recommendation_rows import chunks, import_of, recommendation_of, row_values
from domain.errors import Conflict, ErrorDetail
from domain.recommendations.importing import Update
from domain.recommendations.machine import Status
from domain.recommendations.model import BudgetShare, ExportRow, HistoryEntry, Recommendation
from domain.recommendations.queries import ImportRecord, NewImport

IMPORT_JOB = "recommendations.import"


class RecommendationRepository(RecommendationReads):
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
        return [recommendation_of(r) for r in rows]

    async def add_many(
        self, rows: Sequence[tuple[ExportRow, str, bool]], at: datetime
    ) -> dict[str, int]:
        out: dict[str, int] = {}
        values = [
            {
                **row_values(row),
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
                    **{k: bindparam(f"b_{k}") for k in row_values(updates[0][0].row)},
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
                **{f"b_{k}": v for k, v in row_values(u.row).items()},
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
        for chunk in chunks(sorted(wanted)):
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
        for chunk in chunks(sorted(ids)):
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
        for chunk in chunks(sorted(r.id for r in recs)):
            await self.session.execute(
                update(RecommendationRow)
                .where(RecommendationRow.id.in_(chunk))
                .values(resolved_at=at, version=RecommendationRow.version + 1)
                .execution_options(synchronize_session=False)
            )

    async def set_budgets(self, budgets: Mapping[int, Sequence[BudgetShare]]) -> None:
        ids = sorted(budgets)
        for chunk in chunks(ids):
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
        return recommendation_of(row, rec.budgets)

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
        return import_of(row)
