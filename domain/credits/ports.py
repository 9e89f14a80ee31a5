"""Ports of the credits: the credit store (credits and their ledger) and the reader of the
budgets' allocated spend per month."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from datetime import date, datetime
    from decimal import Decimal

    from domain.credits.ledger import Application, BudgetMonthSpend
    from domain.credits.model import Credit, CreditFields, CreditStatus
    from domain.scope import ResolvedScope


@dataclass(frozen=True)
class CreditFilter:
    budget_id: int | None = None
    status: CreditStatus | None = None
    credit_id: int | None = None


@dataclass(frozen=True)
class CreditRecord:
    """A credit with its budget's path (business unit › … › product) for the reader."""

    credit: Credit
    budget_path: tuple[str, ...]

    @property
    def label(self) -> str:
        return " › ".join(self.budget_path)


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    credit_id: int
    budget_id: int
    period: str
    amount: Decimal
    balance_after: Decimal
    applied_at: datetime
    applied_by: str


class CreditStore(Protocol):
    async def add(self, fields: CreditFields, created_by: str, at: datetime) -> Credit: ...

    async def records(self, scope: ResolvedScope, filters: CreditFilter) -> list[CreditRecord]:
        """The credits of budgets in `scope` matching `filters`, soonest expiry first."""
        ...

    async def save(self, credit_id: int, expected_version: int, fields: CreditFields) -> Credit:
        """Replace the fields if the credit is still at `expected_version` (Conflict otherwise)."""
        ...

    async def void(
        self, credit_id: int, expected_version: int, reason: str, by: str, at: datetime
    ) -> Credit: ...

    async def ledger(self, credit_ids: Iterable[int]) -> list[LedgerEntry]:
        """The applications of these credits, oldest period first."""
        ...

    async def valid_between(
        self, first: date, last: date, budget_ids: Iterable[int] | None = None
    ) -> list[Credit]:
        """Active credits valid on a day of `first`..`last`, and any credit (void ones too)
        already applied in the month of `first` (of these budgets; None: all)."""
        ...

    async def applications_in(self, period: str) -> dict[int, Decimal]:
        """What each credit applied in `period` (credit id → amount)."""
        ...

    async def add_applications(
        self, applications: Sequence[Application], by: str, at: datetime
    ) -> None:
        """Write the ledger rows; Conflict when one (credit, period) is there already (a run
        racing another)."""
        ...

    async def applied(self, period: str) -> Mapping[int, Decimal]:
        """The credits applied in `period` per budget (budget id → amount): what month close
        subtracts from each budget's spend."""
        ...


class MonthlyBudgetSpend(Protocol):
    """Budgets' allocated spend per usage day of a billing month (the allocation results)."""

    async def month_spend(
        self, budget_ids: Sequence[int] | None, period: str
    ) -> dict[int, BudgetMonthSpend]:
        """Each budget's spend per day in `period` (None: every budget; budgets without spend
        are missing)."""
        ...

    async def periods(self) -> frozenset[str]:
        """The billing periods the CUR holds."""
        ...
