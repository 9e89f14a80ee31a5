"""The discount store."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from domain.discounts.model import Discount


class DiscountStore(Protocol):
    async def list_all(self) -> list[Discount]:
        """Every discount, oldest start first (withdrawn ones included)."""
        ...

    async def get(self, discount_id: int) -> Discount | None: ...

    async def lock(self) -> None:
        """Serialize discount writes until the transaction ends: the overlap check and the
        insert of two concurrent requests run one after the other."""
        ...

    async def add(
        self, percent: Decimal, start: date, end: date | None, by: str, at: datetime
    ) -> Discount: ...

    async def set_end(self, discount_id: int, expected: int, end: date, at: datetime) -> Discount:
        """Compare-and-set the end; Conflict when the stored version is not `expected`."""
        ...
