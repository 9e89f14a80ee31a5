"""Ports of the spend cards: the card store and the reader of budgets' allocated spend."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from datetime import date, datetime

    from domain.scope import ResolvedScope
    from domain.spend_cards.content import BudgetSpend
    from domain.spend_cards.generation import CardNote, CardRefresh, NewCard, ScheduledBudget
    from domain.spend_cards.model import CardKey, SpendCard
    from domain.spend_cards.queries import CardFilter, CardRecord, Person


class SpendCardStore(Protocol):
    """Spend cards, keyed by (budget, period end); one card per budget per period end (the
    store's unique key backs the idempotence of generation)."""

    async def get(self, card_id: int) -> SpendCard | None: ...

    async def cards_for(self, keys: Sequence[CardKey]) -> list[SpendCard]: ...

    async def approved_budgets(self, months: Sequence[str]) -> list[ScheduledBudget]:
        """Product budgets whose schedule is approved, with their amounts for `months`."""
        ...

    async def add(self, card: NewCard) -> SpendCard: ...

    async def refresh(self, change: CardRefresh) -> SpendCard:
        """Replace an Open card's content; Conflict when its version moved on."""
        ...

    async def add_note(self, note: CardNote) -> None: ...

    async def save_decision(self, card: SpendCard, expected_version: int) -> SpendCard:
        """Store `card` (the result of `decide`) if the stored one is still at
        `expected_version`; Conflict otherwise."""
        ...

    async def lock_job(self, name: str, at: datetime) -> None:
        """Hold the job's lock until the transaction ends: a second run of the same job (another
        server, a cron command) waits here, then sees what the first one wrote."""
        ...

    async def records(self, scope: ResolvedScope, filters: CardFilter) -> list[CardRecord]:
        """The cards in `scope` matching `filters`, with their budget path and owners."""
        ...

    async def owners(
        self, budget_ids: Iterable[int]
    ) -> dict[int, tuple[tuple[Person, ...], tuple[Person, ...]]]:
        """Each budget's Product Owners and the Portfolio Owners above it (active users)."""
        ...

    async def escalation(self, *, excluding: Collection[int] = ()) -> tuple[Person, ...]:
        """Who inherits a card's decision when no Portfolio Owner above it may take it: the
        active Financial Admins, else the active Admins — never anyone in `excluding`."""
        ...


class CardSpendReader(Protocol):
    """Budgets' allocated spend (after discount) from the allocation engine's output."""

    async def budget_spend(
        self, budget_ids: Sequence[int], start: date, end: date
    ) -> list[BudgetSpend]:
        """Each budget's spend over `start`..`end`: per day, service and resource (budgets
        without spend may be missing)."""
        ...

    async def finalized_months(self, months: Sequence[str]) -> frozenset[str]:
        """Those of `months` whose CUR carries an invoice id (the billing period is final)."""
        ...
