"""Credits in the database: the `CreditStore` port. A credit's applied total and balance are
summed from its ledger rows (`credit_applications`), never stored twice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from adapters.db.models import BudgetRow, CreditApplicationRow, CreditRow, NodeRow
from adapters.db.repository import Repository
from adapters.db.scope import apply_scope
from domain.credits.ledger import Application
from domain.credits.model import ZERO, Credit, CreditFields, CreditStatus, Program
from domain.credits.ports import CreditFilter, CreditRecord, LedgerEntry
from domain.errors import Conflict, ErrorDetail, NotFound
from domain.scope import ResolvedScope


def _stale(current: int, given: int) -> Conflict:
    return Conflict(
        f"the credit changed meanwhile (version {current}, you sent {given}); reload it",
        [ErrorDetail(message=f"the credit is at version {current}", field="version")],
    )


def _credit(row: CreditRow, applied: Decimal | None, count: int | None) -> Credit:
    return Credit(
        id=row.id,
        fields=CreditFields(
            budget_id=row.budget_id,
            program=Program(row.program),
            amount=Decimal(row.amount),
            start_date=row.start_date,
            expires_on=row.expires_on,
            reference=row.reference,
            description=row.description,
        ),
        status=CreditStatus(row.status),
        version=row.version,
        applied=Decimal(applied or ZERO).quantize(ZERO),
        applications=int(count or 0),
        created_by=row.created_by,
        created_at=row.created_at,
        void_reason=row.void_reason,
        voided_by=row.voided_by,
        voided_at=row.voided_at,
    )


def _ids_of(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


class CreditRepository(Repository[CreditRow]):
    model = CreditRow

    def _with_ledger(self) -> Select[Any]:
        used = (
            select(
                CreditApplicationRow.credit_id.label("credit_id"),
                func.sum(CreditApplicationRow.amount).label("applied"),
                func.count(CreditApplicationRow.id).label("n"),
            )
            .group_by(CreditApplicationRow.credit_id)
            .subquery()
        )
        return (
            select(CreditRow, used.c.applied, used.c.n)
            .outerjoin(used, used.c.credit_id == CreditRow.id)
            .execution_options(populate_existing=True)
        )

    async def _one(self, credit_id: int) -> Credit:
        found = (
            await self.session.execute(self._with_ledger().where(CreditRow.id == credit_id))
        ).first()
        if found is None:
            raise NotFound("credit not found")
        return _credit(*found)

    async def add(self, fields: CreditFields, created_by: str, at: datetime) -> Credit:
        row = CreditRow(
            budget_id=fields.budget_id,
            program=fields.program.value,
            amount=fields.amount,
            start_date=fields.start_date,
            expires_on=fields.expires_on,
            reference=fields.reference,
            description=fields.description,
            status=CreditStatus.ACTIVE.value,
            version=1,
            created_by=created_by,
            created_at=at,
            updated_at=at,
        )
        self.session.add(row)
        await self.session.flush()
        return await self._one(row.id)

    async def records(self, scope: ResolvedScope, filters: CreditFilter) -> list[CreditRecord]:
        base: Any = (
            self._with_ledger()
            .add_columns(NodeRow.path)
            .join(BudgetRow, BudgetRow.id == CreditRow.budget_id)
            .join(NodeRow, NodeRow.id == BudgetRow.node_id)
        )
        stmt: Select[Any] = apply_scope(base, scope, NodeRow.path)
        if filters.credit_id is not None:
            stmt = stmt.where(CreditRow.id == filters.credit_id)
        if filters.budget_id is not None:
            stmt = stmt.where(CreditRow.budget_id == filters.budget_id)
        if filters.status is not None:
            stmt = stmt.where(CreditRow.status == filters.status.value)
        rows = (await self.session.execute(stmt.order_by(CreditRow.expires_on, CreditRow.id))).all()
        paths = {row.id: _ids_of(path) for row, _, _, path in rows}
        names: dict[int, str] = {}
        node_ids = sorted({n for ids in paths.values() for n in ids})
        for start in range(0, len(node_ids), 1000):
            found = await self.session.execute(
                select(NodeRow.id, NodeRow.name).where(
                    NodeRow.id.in_(node_ids[start : start + 1000])
                )
            )
            names.update(dict(found.all()))
        return [
            CreditRecord(_credit(row, applied, n), tuple(names.get(i, "?") for i in paths[row.id]))
            for row, applied, n, _ in rows
        ]

    async def _swap(self, credit_id: int, expected: int, values: dict[str, Any]) -> Credit:
        result = await self.session.execute(
            update(CreditRow)
            .where(CreditRow.id == credit_id, CreditRow.version == expected)
            .values(version=CreditRow.version + 1, **values)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            current = await self.session.scalar(
                select(CreditRow.version).where(CreditRow.id == credit_id)
            )
            if current is None:
                raise NotFound("credit not found")
            raise _stale(current, expected)
        return await self._one(credit_id)

    async def save(self, credit_id: int, expected_version: int, fields: CreditFields) -> Credit:
        return await self._swap(
            credit_id,
            expected_version,
            {
                "budget_id": fields.budget_id,
                "program": fields.program.value,
                "amount": fields.amount,
                "start_date": fields.start_date,
                "expires_on": fields.expires_on,
                "reference": fields.reference,
                "description": fields.description,
            },
        )

    async def void(
        self, credit_id: int, expected_version: int, reason: str, by: str, at: datetime
    ) -> Credit:
        return await self._swap(
            credit_id,
            expected_version,
            {
                "status": CreditStatus.VOID.value,
                "void_reason": reason,
                "voided_by": by,
                "voided_at": at,
            },
        )

    async def ledger(self, credit_ids: Iterable[int]) -> list[LedgerEntry]:
        wanted = sorted(set(credit_ids))
        out: list[LedgerEntry] = []
        for start in range(0, len(wanted), 1000):
            rows = await self.session.scalars(
                select(CreditApplicationRow)
                .where(CreditApplicationRow.credit_id.in_(wanted[start : start + 1000]))
                .order_by(CreditApplicationRow.period, CreditApplicationRow.id)
            )
            out += [
                LedgerEntry(
                    id=r.id,
                    credit_id=r.credit_id,
                    budget_id=r.budget_id,
                    period=r.period,
                    amount=Decimal(r.amount),
                    balance_after=Decimal(r.balance_after),
                    applied_at=r.applied_at,
                    applied_by=r.applied_by,
                )
                for r in rows
            ]
        return sorted(out, key=lambda e: (e.period, e.id))

    async def valid_between(
        self, first: date, last: date, budget_ids: Iterable[int] | None = None
    ) -> list[Credit]:
        period = f"{first.year:04d}-{first.month:02d}"
        applied_here = select(CreditApplicationRow.credit_id).where(
            CreditApplicationRow.period == period
        )
        stmt = self._with_ledger().where(
            or_(
                and_(
                    CreditRow.status == CreditStatus.ACTIVE.value,
                    CreditRow.start_date <= last,
                    CreditRow.expires_on >= first,
                ),
                CreditRow.id.in_(applied_here),
            )
        )
        if budget_ids is not None:
            wanted = sorted(set(budget_ids))
            if not wanted:
                return []
            stmt = stmt.where(CreditRow.budget_id.in_(wanted))
        rows = (await self.session.execute(stmt.order_by(CreditRow.id))).all()
        return [_credit(*r) for r in rows]

    async def applications_in(self, period: str) -> dict[int, Decimal]:
        rows = await self.session.execute(
            select(CreditApplicationRow.credit_id, CreditApplicationRow.amount).where(
                CreditApplicationRow.period == period
            )
        )
        return {credit_id: Decimal(amount) for credit_id, amount in rows}

    async def add_applications(
        self, applications: Sequence[Application], by: str, at: datetime
    ) -> None:
        try:
            async with self.session.begin_nested():
                self.session.add_all(
                    CreditApplicationRow(
                        credit_id=a.credit_id,
                        budget_id=a.budget_id,
                        period=a.period,
                        amount=a.amount,
                        balance_after=a.balance_after,
                        applied_by=by,
                        applied_at=at,
                    )
                    for a in applications
                )
                await self.session.flush()
        except IntegrityError:
            raise Conflict(
                "the credits of this month were applied meanwhile; run it again to see them",
                [ErrorDetail("applied meanwhile", field="period")],
            ) from None

    async def applied(self, period: str) -> Mapping[int, Decimal]:
        rows = await self.session.execute(
            select(CreditApplicationRow.budget_id, func.sum(CreditApplicationRow.amount))
            .where(CreditApplicationRow.period == period)
            .group_by(CreditApplicationRow.budget_id)
        )
        out: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for budget_id, amount in rows:
            out[budget_id] = Decimal(amount).quantize(ZERO)
        return dict(out)
