"""In-app notifications: the first adapter of the notifier port."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select, update

from adapters.clock import utc_now
from adapters.db.models import NotificationRow
from adapters.db.repository import Repository
from domain.schedules.records import Notification


class NotificationRepository(Repository[NotificationRow]):
    model = NotificationRow

    async def notify(
        self, user_ids: Iterable[int], kind: str, message: str, link: str | None
    ) -> None:
        values = [
            {"user_id": u, "kind": kind, "message": message[:1000], "link": link}
            for u in sorted(set(user_ids))
        ]
        if values:
            await self.session.execute(insert(NotificationRow), values)

    async def notifications(self, user_id: int, *, unread_only: bool) -> list[Notification]:
        stmt = select(NotificationRow).where(NotificationRow.user_id == user_id)
        if unread_only:
            stmt = stmt.where(NotificationRow.read_at.is_(None))
        rows = await self.session.scalars(stmt.order_by(NotificationRow.id.desc()).limit(200))
        return [
            Notification(r.id, r.kind, r.message, r.link, r.created_at, r.read_at) for r in rows
        ]

    async def mark_read(self, user_id: int, notification_id: int) -> bool:
        result = await self.session.execute(
            update(NotificationRow)
            .where(
                NotificationRow.id == notification_id,
                NotificationRow.user_id == user_id,
                NotificationRow.read_at.is_(None),
            )
            .values(read_at=utc_now())
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
