"""Month closes in the database: the `CloseStore` port. Checklists are rows of
`period_closes`, the lock is `closed_periods`, closes and reopens are append-only
`close_events`, and the files (bytes and SHA-256) are `close_files`, never updated but for the
superseded mark a reopen sets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from adapters.db.models import ClosedPeriodRow, CloseEventRow, CloseFileRow, PeriodCloseRow
from adapters.db.repository import Repository
from domain.close.model import Checklist, CloseEvent, CloseState, EventKind, StoredFile
from domain.errors import Conflict, ErrorDetail


def _stale(current: int, given: int) -> Conflict:
    return Conflict(
        "the checklist was changed by someone else",
        [
            ErrorDetail(
                f"you sent version {given}; it is at version {current}: reload it",
                field="version",
            )
        ],
    )


class CloseRepository(Repository[PeriodCloseRow]):
    model = PeriodCloseRow

    def _state(self, row: PeriodCloseRow, closed: bool) -> CloseState:
        return CloseState(
            row.period,
            Checklist(
                row.vendor,
                row.purchase_order,
                tuple(str(n) for n in row.invoice_numbers),
                row.internal_memo,
                row.default_business_unit,
            ),
            row.version,
            closed,
            row.updated_at,
            row.updated_by,
        )

    async def _closed(self, period: str) -> bool:
        found = await self.session.scalar(
            select(ClosedPeriodRow.period).where(ClosedPeriodRow.period == period)
        )
        return found is not None

    async def get(self, period: str, *, lock: bool = False) -> CloseState | None:
        stmt = select(PeriodCloseRow).where(PeriodCloseRow.period == period)
        if lock and self.session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        row = await self.session.scalar(stmt)
        if row is None:
            return None
        return self._state(row, await self._closed(period))

    async def states(self) -> list[CloseState]:
        closed = set((await self.session.scalars(select(ClosedPeriodRow.period))).all())
        rows = await self.session.scalars(select(PeriodCloseRow).order_by(PeriodCloseRow.period))
        return [self._state(r, r.period in closed) for r in rows]

    async def save_checklist(
        self, period: str, checklist: Checklist, expected_version: int, by: str, at: datetime
    ) -> CloseState:
        values: dict[str, Any] = {
            "vendor": checklist.vendor,
            "purchase_order": checklist.purchase_order,
            "invoice_numbers": list(checklist.invoice_numbers),
            "internal_memo": checklist.internal_memo,
            "default_business_unit": checklist.default_business_unit,
            "updated_by": by,
            "updated_at": at,
        }
        row = await self.get_row(period)
        if row is None:
            if expected_version != 0:
                raise _stale(0, expected_version)
            row = PeriodCloseRow(period=period, version=1, **values)
            self.session.add(row)
        else:
            # the service locked the row (FOR UPDATE on PostgreSQL) before reading its version
            if row.version != expected_version:
                raise _stale(row.version, expected_version)
            for key, value in values.items():
                setattr(row, key, value)
            row.version = expected_version + 1
        await self.session.flush()
        return self._state(row, await self._closed(period))

    async def set_closed(self, period: str, by: str, at: datetime) -> None:
        if await self._closed(period):
            raise Conflict(f"{period} is closed already")
        self.session.add(ClosedPeriodRow(period=period, closed_by=by, closed_at=at))
        await self.session.flush()

    async def set_open(self, period: str) -> None:
        await self.session.execute(delete(ClosedPeriodRow).where(ClosedPeriodRow.period == period))

    async def add_event(
        self,
        period: str,
        kind: EventKind,
        *,
        at: datetime,
        by: str,
        reason: str | None = None,
        snapshot: Mapping[str, Any] | None = None,
    ) -> int:
        row = CloseEventRow(
            period=period,
            kind=kind.value,
            at=at,
            actor=by,
            reason=reason,
            snapshot=dict(snapshot) if snapshot is not None else None,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def add_file(
        self, event_id: int, period: str, name: str, sha256: str, rows: int, content: bytes
    ) -> None:
        self.session.add(
            CloseFileRow(
                event_id=event_id,
                period=period,
                name=name,
                sha256=sha256,
                rows=rows,
                content=content,
            )
        )
        await self.session.flush()

    async def supersede_files(self, period: str, at: datetime) -> None:
        await self.session.execute(
            update(CloseFileRow)
            .where(CloseFileRow.period == period, CloseFileRow.superseded_at.is_(None))
            .values(superseded_at=at)
            .execution_options(synchronize_session=False)
        )

    async def history(self, period: str) -> list[CloseEvent]:
        events = (
            await self.session.execute(
                select(
                    CloseEventRow.id,
                    CloseEventRow.kind,
                    CloseEventRow.at,
                    CloseEventRow.actor,
                    CloseEventRow.reason,
                )
                .where(CloseEventRow.period == period)
                .order_by(CloseEventRow.id)
            )
        ).all()
        files: dict[int, list[StoredFile]] = defaultdict(list)
        for event_id, name, sha, rows, superseded in (
            await self.session.execute(
                select(
                    CloseFileRow.event_id,
                    CloseFileRow.name,
                    CloseFileRow.sha256,
                    CloseFileRow.rows,
                    CloseFileRow.superseded_at,
                )
                .where(CloseFileRow.period == period)
                .order_by(CloseFileRow.id)
            )
        ).all():
            files[event_id].append(StoredFile(name, sha, rows, superseded is not None))
        return [
            CloseEvent(i, period, EventKind(k), at, actor, reason, tuple(files[i]))
            for i, k, at, actor, reason in events
        ]

    async def file(
        self, period: str, name: str, event_id: int | None = None
    ) -> tuple[CloseEvent, StoredFile, bytes] | None:
        stmt = select(CloseFileRow, CloseEventRow).join(
            CloseEventRow, CloseEventRow.id == CloseFileRow.event_id
        )
        stmt = stmt.where(CloseFileRow.period == period, CloseFileRow.name == name)
        if event_id is not None:
            stmt = stmt.where(CloseFileRow.event_id == event_id)
        found = (await self.session.execute(stmt.order_by(CloseFileRow.id.desc()).limit(1))).first()
        if found is None:
            return None
        f, e = found
        event = CloseEvent(e.id, e.period, EventKind(e.kind), e.at, e.actor, e.reason)
        stored = StoredFile(f.name, f.sha256, f.rows, f.superseded_at is not None)
        return event, stored, bytes(f.content)

    async def snapshot(self, event_id: int) -> Mapping[str, Any] | None:
        return await self.session.scalar(
            select(CloseEventRow.snapshot).where(CloseEventRow.id == event_id)
        )
