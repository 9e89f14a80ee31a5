"""The typed repository base every feature repository builds on. Repositories flush, never commit:
the unit of work at the edge owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.base import Base

RowT = TypeVar("RowT", bound=Base)


class Repository(Generic[RowT]):
    model: type[RowT]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def select(self) -> Select[Any]:
        return select(self.model)

    async def get_row(self, pk: Any) -> RowT | None:
        return await self.session.get(self.model, pk)

    async def all(self, statement: Select[Any]) -> Sequence[RowT]:
        return (await self.session.scalars(statement)).all()

    async def first(self, statement: Select[Any]) -> RowT | None:
        return (await self.session.scalars(statement.limit(1))).first()

    async def count(self, statement: Select[Any]) -> int:
        total = await self.session.scalar(
            select(func.count()).select_from(statement.order_by(None).subquery())
        )
        return int(total or 0)

    async def add_row(self, row: RowT) -> RowT:
        self.session.add(row)
        await self.session.flush()
        return row
