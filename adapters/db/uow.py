"""One unit of work per request, CLI command or job: the edge commits, nothing below does."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.accounts import AccountRepository
from adapters.db.allocation import AllocationRepository
from adapters.db.audit import AuditRepository
from adapters.db.budgets import BudgetRepository
from adapters.db.notifications import NotificationRepository
from adapters.db.schedules import ScheduleRepository
from adapters.db.users import UserRepository

log = logging.getLogger(__name__)

SideEffect = Callable[[], Awaitable[None]]


class UnitOfWork:
    def __init__(self, session: AsyncSession, request_id: str | None = None) -> None:
        self.session = session
        self.users = UserRepository(session)
        self.audit = AuditRepository(session, request_id)
        self.budgets = BudgetRepository(session)
        self.accounts = AccountRepository(session)
        self.allocation = AllocationRepository(session)
        self.schedules = ScheduleRepository(session)
        self.notifications = NotificationRepository(session)
        self._after_commit: list[SideEffect] = []

    def after_commit(self, effect: SideEffect) -> None:
        """Queue a side effect (notification, background refresh) for after a successful commit."""
        self._after_commit.append(effect)

    async def commit(self) -> None:
        await self.session.commit()
        effects, self._after_commit = self._after_commit, []
        for effect in effects:
            try:
                await effect()
            except Exception:  # the data is committed; a failed side effect is logged, not undone
                log.exception("side effect after commit failed")

    async def rollback(self) -> None:
        self._after_commit.clear()
        await self.session.rollback()
