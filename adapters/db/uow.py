"""One unit of work per request, CLI command or job: the edge commits, nothing below does."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.accounts import AccountRepository
from adapters.db.allocation import AllocationRepository
from adapters.db.anomalies import AnomalyRepository
from adapters.db.api_tokens import ApiTokenRepository
from adapters.db.audit import AuditRepository
from adapters.db.budgets import BudgetRepository
from adapters.db.closes import CloseRepository
from adapters.db.credits import CreditRepository
from adapters.db.cur_events import CurEventRepository
from adapters.db.dashboard import DashboardReadRepository
from adapters.db.discounts import DiscountRepository
from adapters.db.notifications import NotificationRepository
from adapters.db.recommendations import RecommendationRepository
from adapters.db.schedules import ScheduleRepository
from adapters.db.spend_cards import SpendCardRepository
from adapters.db.users import UserRepository
from adapters.db.webhooks import WebhookRepository
from domain.audit import AuditEntry
from domain.events import DomainEvent, OutboundEvent, WebhookDeliveriesQueued
from domain.webhooks.model import outbound_event_of

log = logging.getLogger(__name__)

SideEffect = Callable[[], Awaitable[None]]
Dispatch = Callable[[DomainEvent], Awaitable[None]]


class UnitOfWork:
    def __init__(
        self,
        session: AsyncSession,
        request_id: str | None = None,
        *,
        dispatch: Dispatch | None = None,
        read_only: bool = False,
    ) -> None:
        self.session = session
        self.users = UserRepository(session)
        # a read-only unit of work reads the audit head (the write version) once
        self.audit = AuditRepository(
            session, request_id, observe=self._observe, keep_head=read_only
        )
        self.budgets = BudgetRepository(session)
        self.accounts = AccountRepository(session)
        self.allocation = AllocationRepository(session)
        self.schedules = ScheduleRepository(session)
        self.notifications = NotificationRepository(session)
        self.spend_cards = SpendCardRepository(session)
        self.credits = CreditRepository(session)
        self.closes = CloseRepository(session)
        self.recommendations = RecommendationRepository(session)
        self.cur_events = CurEventRepository(session)
        self.discounts = DiscountRepository(session)
        self.anomalies = AnomalyRepository(session)
        self.dashboard = DashboardReadRepository(session)

        self.api_tokens = ApiTokenRepository(session)
        self.webhooks = WebhookRepository(session)
        self._dispatch = dispatch
        self._after_commit: list[SideEffect] = []
        self._events: list[DomainEvent] = []

    def publish(self, event: DomainEvent) -> None:
        """Queue a domain event for its handlers, released after a successful commit. The
        same event published twice in one transaction is handled once."""
        if event not in self._events:
            self._events.append(event)

    def _observe(self, entry: AuditEntry) -> None:
        event = outbound_event_of(entry)
        if event is not None:
            self.publish(event)

    def after_commit(self, effect: SideEffect) -> None:
        """Queue a side effect (notification, background refresh) for after a successful commit."""
        self._after_commit.append(effect)

    async def commit(self) -> None:
        # the outbox rows go in this transaction: committed with the change, or not at all
        outbound = [e for e in self._events if isinstance(e, OutboundEvent)]
        if outbound:
            self._events = [e for e in self._events if not isinstance(e, OutboundEvent)]
            if await self.webhooks.enqueue(outbound):
                self.publish(WebhookDeliveriesQueued())

        # the audit entries of this transaction join the hash chain last, so the head row's
        # lock is held only from here to the commit
        await self.audit.seal()
        await self.session.commit()
        effects, self._after_commit = self._after_commit, []
        events, self._events = self._events, []
        for effect in effects:
            try:
                await effect()
            except Exception:  # the data is committed; a failed side effect is logged, not undone
                log.exception("side effect after commit failed")
        for event in events:
            if self._dispatch is None:
                log.warning("no handler wired for %s", type(event).__name__)
                continue
            try:
                await self._dispatch(event)
            except Exception:
                log.exception("handling %s after commit failed", type(event).__name__)

    async def rollback(self) -> None:
        self.audit.discard()
        self._after_commit.clear()
        self._events.clear()
        await self.session.rollback()
