"""Ports of the month close: its store, the period's figures, the FinOps credit ledger and the
CSV encoder."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from datetime import datetime

    from domain.allocation.rules import AllocationRules
    from domain.close.book import PeriodFigures
    from domain.close.model import Checklist, CloseEvent, CloseState, EventKind, StoredFile
    from domain.spend.models import BillingPeriod


class CreditLedger(Protocol):
    """The FinOps Center credits (SPEC section 6) as the close sees them."""

    async def apply(self, period: str) -> Mapping[int, Decimal]:
        """Apply the credits of `period` (idempotently: applying twice applies once) and return
        the amount applied per budget id."""
        ...


class ClosePeriodReader(Protocol):
    """The CUR's billing periods and a period's figures for the close."""

    async def billing_periods(self) -> list[BillingPeriod]: ...

    async def figures(
        self, period: str, rules: AllocationRules, rules_version: int
    ) -> PeriodFigures:
        """The period's invoice amounts per account (every line item, unblended) and its
        allocation (made current with `rules` first) per account and budget."""
        ...


class CsvEncoder(Protocol):
    def __call__(self, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes: ...


class CloseStore(Protocol):
    """Checklists, the closed-period lock, the history of closes and reopens, and the files."""

    async def get(self, period: str, *, lock: bool = False) -> CloseState | None:
        """The period's checklist and lock; `lock` holds its row until the transaction ends (two
        closes of one period run one after the other)."""
        ...

    async def states(self) -> list[CloseState]: ...

    async def save_checklist(
        self, period: str, checklist: Checklist, expected_version: int, by: str, at: datetime
    ) -> CloseState:
        """Compare-and-set (version 0: the first save); Conflict when the version moved on."""
        ...

    async def set_closed(self, period: str, by: str, at: datetime) -> None: ...

    async def set_open(self, period: str) -> None: ...

    async def add_event(
        self,
        period: str,
        kind: EventKind,
        *,
        at: datetime,
        by: str,
        reason: str | None = None,
        snapshot: Mapping[str, Any] | None = None,
    ) -> int: ...

    async def add_file(
        self, event_id: int, period: str, name: str, sha256: str, rows: int, content: bytes
    ) -> None: ...

    async def supersede_files(self, period: str, at: datetime) -> None: ...

    async def history(self, period: str) -> list[CloseEvent]:
        """Closes and reopens of `period`, oldest first, each close with its files."""
        ...

    async def file(
        self, period: str, name: str, event_id: int | None = None
    ) -> tuple[CloseEvent, StoredFile, bytes] | None:
        """A file of the period's latest close (or of close `event_id`), with its bytes."""
        ...

    async def snapshot(self, event_id: int) -> Mapping[str, Any] | None: ...
