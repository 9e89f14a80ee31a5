"""In-app notifications: the first adapter of the notifier port."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select, update

from adapters.clock import utc_now
from adapters.db.models import BudgetRow, NodeRow, NotificationRow, UserRow, UserScopeRow
from adapters.db.repository import Repository
from domain.identity.roles import Role, sees_all_spend
from domain.schedules.records import Notification


class NotificationRepository(Repository[NotificationRow]):
    model = NotificationRow

    async def notify(
        self,
        user_ids: Iterable[int],
        kind: str,
        message: str,
        link: str | None,
        *,
        budget_id: int | None,
        subject: str,
    ) -> None:
        """Tell those of `user_ids` whose scope holds the budget (every producer names the
        budget, so nobody hears about a budget they cannot open). A notice about no one
        budget (a recommendation to implement) goes only to users who see everything."""
        allowed = (
            await self._in_scope(set(user_ids), budget_id)
            if budget_id is not None
            else await self._unrestricted(set(user_ids))
        )
        values = [
            {
                "user_id": u,
                "kind": kind,
                "message": message[:1000],
                "link": link,
                "subject": subject,
            }
            for u in sorted(allowed)
        ]
        if values:
            await self.session.execute(insert(NotificationRow), values)

    async def _in_scope(self, user_ids: set[int], budget_id: int) -> set[int]:
        if not user_ids:
            return set()
        path = await self.session.scalar(
            select(NodeRow.path)
            .join(BudgetRow, BudgetRow.node_id == NodeRow.id)
            .where(BudgetRow.id == budget_id)
        )
        if path is None:
            return set()
        on_path = [int(p) for p in path.strip("/").split("/") if p]
        roles = dict(
            (
                await self.session.execute(
                    select(UserRow.id, UserRow.role).where(
                        UserRow.id.in_(sorted(user_ids)), UserRow.is_active
                    )
                )
            ).all()
        )
        unscoped = {u for u, r in roles.items() if sees_all_spend(Role(r))}
        mapped = await self.session.scalars(
            select(UserScopeRow.user_id).where(
                UserScopeRow.user_id.in_(sorted(set(roles) - unscoped)),
                UserScopeRow.node_id.in_(on_path),
            )
        )
        return unscoped | set(mapped.all())

    async def _unrestricted(self, user_ids: set[int]) -> set[int]:
        """Those of `user_ids` who see all spend, or are Cloud Engineers mapped to no node."""
        if not user_ids:
            return set()
        roles = dict(
            (
                await self.session.execute(
                    select(UserRow.id, UserRow.role).where(
                        UserRow.id.in_(sorted(user_ids)), UserRow.is_active
                    )
                )
            ).all()
        )
        mapped = set(
            (
                await self.session.scalars(
                    select(UserScopeRow.user_id).where(UserScopeRow.user_id.in_(sorted(roles)))
                )
            ).all()
        )
        return {
            u
            for u, r in roles.items()
            if sees_all_spend(Role(r)) or (Role(r) is Role.CLOUD_ENGINEER and u not in mapped)
        }

    async def clear(self, subject: str) -> None:
        """Mark every unread notification about `subject` read: someone acted on it."""
        await self.session.execute(
            update(NotificationRow)
            .where(NotificationRow.subject == subject, NotificationRow.read_at.is_(None))
            .values(read_at=utc_now())
            .execution_options(synchronize_session=False)
        )

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
