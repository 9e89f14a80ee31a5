"""Negotiated discounts as stored."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import update

from adapters.db.models import NegotiatedDiscountRow, RulesVersionRow
from adapters.db.repository import Repository
from domain.discounts.model import Discount
from domain.errors import Conflict


def _discount(row: NegotiatedDiscountRow) -> Discount:
    return Discount(
        id=row.id,
        percent=Decimal(row.percent),
        start=row.start_date,
        end=row.end_date,
        version=row.version,
        created_by=row.created_by,
        created_at=row.created_at,
    )


class DiscountRepository(Repository[NegotiatedDiscountRow]):
    model = NegotiatedDiscountRow

    async def list_all(self) -> list[Discount]:
        stmt = self.select().order_by(NegotiatedDiscountRow.start_date, NegotiatedDiscountRow.id)
        return [_discount(r) for r in await self.all(stmt)]

    async def get(self, discount_id: int) -> Discount | None:
        row = await self.get_row(discount_id)
        return None if row is None else _discount(row)

    async def lock(self) -> None:
        # a no-op UPDATE of the rules version row row-locks it (PostgreSQL) or takes the write
        # lock (SQLite) until the transaction ends: discount writes are checked one at a time
        await self.session.execute(
            update(RulesVersionRow)
            .where(RulesVersionRow.id == 1)
            .values(version=RulesVersionRow.version)
        )

    async def add(
        self, percent: Decimal, start: date, end: date | None, by: str, at: datetime
    ) -> Discount:
        row = await self.add_row(
            NegotiatedDiscountRow(
                percent=percent,
                start_date=start,
                end_date=end,
                version=1,
                created_by=by,
                created_at=at,
                updated_at=at,
            )
        )
        return _discount(row)

    async def set_end(self, discount_id: int, expected: int, end: date, at: datetime) -> Discount:
        result = await self.session.execute(
            update(NegotiatedDiscountRow)
            .where(
                NegotiatedDiscountRow.id == discount_id,
                NegotiatedDiscountRow.version == expected,
            )
            .values(end_date=end, version=expected + 1, updated_at=at)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            raise Conflict("the discount changed since you read it: reload and try again")
        row = await self.session.get(NegotiatedDiscountRow, discount_id, populate_existing=True)
        assert row is not None
        return _discount(row)
