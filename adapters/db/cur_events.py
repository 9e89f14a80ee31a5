from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from adapters.db.models import CurEventRow
from adapters.db.repository import Repository


class CurEventRepository(Repository[CurEventRow]):
    model = CurEventRow

    async def find(self, event_id: str) -> CurEventRow | None:
        return await self.first(self.select().where(CurEventRow.event_id == event_id))

    async def add(self, *, event_id: str, kind: str, payload: Mapping[str, Any]) -> int:
        row = await self.add_row(
            CurEventRow(event_id=event_id, kind=kind, payload=dict(payload), status="received")
        )
        return row.id

    async def finish(self, row_id: int, *, status: str, message: str | None, at: datetime) -> None:
        row = await self.get_row(row_id)
        if row is not None:
            row.status, row.message, row.finished_at = status, message, at
            await self.session.flush()

    async def recent(self, limit: int = 50) -> list[dict[str, Any]]:
        rows = await self.all(select(CurEventRow).order_by(CurEventRow.id.desc()).limit(limit))
        return [
            {
                "id": r.id,
                "event_id": r.event_id,
                "kind": r.kind,
                "payload": r.payload,
                "status": r.status,
                "received_at": r.received_at,
                "finished_at": r.finished_at,
                "message": r.message,
            }
            for r in rows
        ]
