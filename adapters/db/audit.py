from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from adapters.db.models import AuditEventRow
from adapters.db.repository import Repository
from domain.audit import AuditEntry, AuditFilter, AuditRecord

__all__ = ["AuditFilter", "AuditRepository"]


class AuditRepository(Repository[AuditEventRow]):
    """Append-only audit log: `record` and reads, nothing else."""

    model = AuditEventRow

    def __init__(self, session: Any, request_id: str | None = None) -> None:
        super().__init__(session)
        self.request_id = request_id

    async def record(self, entry: AuditEntry) -> None:
        await self.add_row(
            AuditEventRow(
                actor_id=entry.actor.user_id,
                actor_email=entry.actor.email,
                action=entry.action,
                entity_type=entry.entity_type,
                entity_id=entry.entity_id,
                before=entry.before,
                after=entry.after,
                details=entry.details or None,
                request_id=self.request_id,
            )
        )

    def _filtered(self, f: AuditFilter) -> Select[tuple[AuditEventRow]]:
        stmt = self.select()
        if f.actor_id is not None:
            stmt = stmt.where(AuditEventRow.actor_id == f.actor_id)
        if f.action:
            stmt = stmt.where(AuditEventRow.action == f.action)
        if f.entity_type:
            stmt = stmt.where(AuditEventRow.entity_type == f.entity_type)
        if f.entity_id:
            stmt = stmt.where(AuditEventRow.entity_id == f.entity_id)
        if f.since:
            stmt = stmt.where(AuditEventRow.occurred_at >= f.since)
        if f.until:
            stmt = stmt.where(AuditEventRow.occurred_at < f.until)
        return stmt

    async def list(
        self, f: AuditFilter, *, limit: int = 100, offset: int = 0
    ) -> tuple[list[AuditRecord], int]:
        stmt = self._filtered(f)
        total = await self.count(stmt)
        rows = await self.all(stmt.order_by(AuditEventRow.id.desc()).limit(limit).offset(offset))
        return [_record(r) for r in rows], total


def _record(row: AuditEventRow) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        occurred_at=row.occurred_at,
        actor_id=row.actor_id,
        actor_email=row.actor_email,
        action=row.action,
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        before=row.before,
        after=row.after,
        details=row.details,
        request_id=row.request_id,
    )
