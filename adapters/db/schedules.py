from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, select, update

from adapters.clock import utc_now
from adapters.db.models import (
    BudgetRow,
    NodeRow,
    ScheduleApprovedMonthRow,
    ScheduleMonthRow,
    ScheduleRow,
    UserRow,
    UserScopeRow,
)
from adapters.db.repository import Repository
from domain.errors import Conflict, ErrorDetail
from domain.identity.roles import Role
from domain.schedules.machine import Action, ScheduleStatus
from domain.schedules.months import MonthAmount
from domain.schedules.records import ApprovedSchedule, ScheduleMove, ScheduleState


def _stale(current: int, given: int) -> Conflict:
    return Conflict(
        f"the schedule changed meanwhile (version {current}, you sent {given}); reload it",
        [ErrorDetail(message=f"current version is {current}", field="version")],
    )


class ScheduleRepository(Repository[ScheduleRow]):
    model = ScheduleRow

    async def get(self, budget_id: int) -> ScheduleState:
        row = await self.session.get(ScheduleRow, budget_id, populate_existing=True)
        if row is None:
            return ScheduleState.empty(budget_id)
        months = await self.session.execute(
            select(ScheduleMonthRow.month, ScheduleMonthRow.amount)
            .where(ScheduleMonthRow.budget_id == budget_id)
            .order_by(ScheduleMonthRow.month)
        )
        approved: ApprovedSchedule | None = None
        if row.approved_version is not None:
            approved_months = await self.session.execute(
                select(ScheduleApprovedMonthRow.month, ScheduleApprovedMonthRow.amount)
                .where(ScheduleApprovedMonthRow.budget_id == budget_id)
                .order_by(ScheduleApprovedMonthRow.month)
            )
            approved = ApprovedSchedule(
                version=row.approved_version,
                approved_by_id=row.approved_by_id,
                approved_at=row.approved_at,
                months={m: Decimal(a) for m, a in approved_months},
            )
        return ScheduleState(
            budget_id=budget_id,
            status=ScheduleStatus(row.status),
            version=row.version,
            months={m: Decimal(a) for m, a in months},
            submitted_by_id=row.submitted_by_id,
            reschedule_requested_by_id=row.reschedule_requested_by_id,
            decided_by_id=row.decided_by_id,
            decided_at=row.decided_at,
            reason=row.reason,
            submitted_at=row.submitted_at,
            approved=approved,
            first_approved_by_id=row.first_approved_by_id,
            first_approved_at=row.first_approved_at,
        )

    async def _swap(self, budget_id: int, expected: int, values: dict[str, Any]) -> int:
        """Compare-and-set on the version: of two concurrent writers exactly one wins."""
        result = await self.session.execute(
            update(ScheduleRow)
            .where(ScheduleRow.budget_id == budget_id, ScheduleRow.version == expected)
            .values(version=expected + 1, updated_at=utc_now(), **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            current = await self.session.scalar(
                select(ScheduleRow.version).where(ScheduleRow.budget_id == budget_id)
            )
            raise _stale(int(current or 0), expected)
        return expected + 1

    async def save_months(
        self, budget_id: int, expected: int, months: Sequence[MonthAmount]
    ) -> int:
        if expected == 0:
            exists = await self.session.get(ScheduleRow, budget_id)
            if exists is not None:
                raise _stale(exists.version, expected)
            self.session.add(
                ScheduleRow(budget_id=budget_id, status=ScheduleStatus.DRAFT.value, version=1)
            )
            await self.session.flush()
            version = 1
        else:
            version = await self._swap(budget_id, expected, {})
        await self.session.execute(
            delete(ScheduleMonthRow).where(ScheduleMonthRow.budget_id == budget_id)
        )
        await self.session.execute(
            insert(ScheduleMonthRow),
            [{"budget_id": budget_id, "month": m.month, "amount": m.amount} for m in months],
        )
        return version

    async def move(self, budget_id: int, expected: int, move: ScheduleMove) -> int:
        values: dict[str, Any] = {"status": move.status.value}
        if move.first_of_two:
            values |= {"first_approved_by_id": move.by_id, "first_approved_at": move.at}
            return await self._swap(budget_id, expected, values)
        if move.action in (Action.SUBMIT, Action.APPROVE, Action.REJECT):
            values |= {"first_approved_by_id": None, "first_approved_at": None}
        if move.action is Action.SUBMIT:
            values |= {"submitted_by_id": move.by_id, "submitted_at": move.at, "reason": None}
        elif move.action is Action.REQUEST_RESCHEDULE:
            values |= {"reschedule_requested_by_id": move.by_id, "reason": move.reason}
        else:
            values |= {"decided_by_id": move.by_id, "decided_at": move.at}
            if move.action is Action.REJECT:
                values["reason"] = move.reason
        if move.action is Action.APPROVE:
            values |= {
                "approved_version": expected + 1,
                "approved_by_id": move.by_id,
                "approved_at": move.at,
            }
        version = await self._swap(budget_id, expected, values)
        if move.action is Action.APPROVE:
            # keep the approved months: variance is shown against them until the next approval
            await self.session.execute(
                delete(ScheduleApprovedMonthRow).where(
                    ScheduleApprovedMonthRow.budget_id == budget_id
                )
            )
            await self.session.execute(
                insert(ScheduleApprovedMonthRow).from_select(
                    ["budget_id", "month", "amount"],
                    select(
                        ScheduleMonthRow.budget_id, ScheduleMonthRow.month, ScheduleMonthRow.amount
                    ).where(ScheduleMonthRow.budget_id == budget_id),
                )
            )
        return version

    async def set_status(self, budget_id: int, expected: int, status: ScheduleStatus) -> int:
        """A move nobody made on the schedule itself (the amount in force changed)."""
        return await self._swap(budget_id, expected, {"status": status.value})

    async def statuses(self, budget_ids: Iterable[int]) -> dict[int, ScheduleStatus]:
        wanted = list(set(budget_ids))
        out: dict[int, ScheduleStatus] = {}
        for start in range(0, len(wanted), 1000):
            rows = await self.session.execute(
                select(ScheduleRow.budget_id, ScheduleRow.status).where(
                    ScheduleRow.budget_id.in_(wanted[start : start + 1000])
                )
            )
            out.update({b: ScheduleStatus(s) for b, s in rows})
        return out

    async def in_states(self, states: Iterable[ScheduleStatus]) -> list[ScheduleState]:
        rows = await self.session.scalars(
            select(ScheduleRow).where(ScheduleRow.status.in_([s.value for s in states]))
        )
        return [
            ScheduleState(
                budget_id=r.budget_id,
                status=ScheduleStatus(r.status),
                version=r.version,
                submitted_by_id=r.submitted_by_id,
                reschedule_requested_by_id=r.reschedule_requested_by_id,
                reason=r.reason,
                first_approved_by_id=r.first_approved_by_id,
            )
            for r in rows
        ]

    # --- who decides / notifications -------------------------------------------------------
    async def deciders(self, budget_id: int, *, excluding: Collection[int] = ()) -> list[int]:
        leaf = await self.session.scalar(
            select(NodeRow.path)
            .join(BudgetRow, BudgetRow.node_id == NodeRow.id)
            .where(BudgetRow.id == budget_id)
        )
        above = [int(p) for p in (leaf or "").strip("/").split("/")[:-1] if p]
        owners = await self.session.scalars(
            select(UserRow.id)
            .join(UserScopeRow, UserScopeRow.user_id == UserRow.id)
            .where(
                UserScopeRow.node_id.in_(above),
                UserRow.role == Role.PORTFOLIO_OWNER.value,
                UserRow.is_active,
            )
            .order_by(UserRow.id)
        )
        # segregation of duties: whoever made the request is no decider of it; when nobody
        # else is eligible at a level the decision goes up (Financial Admins, then Admins)
        found = [u for u in dict.fromkeys(owners.all()) if u not in excluding]
        for role in (Role.FINANCIAL_ADMIN, Role.ADMIN):
            if found:
                break
            found = [u for u in await self.users_with_role(role.value) if u not in excluding]
        return found

    async def owners(self, budget_id: int) -> list[int]:
        """The active Product Owners whose scope holds the budget (mapped to its product node
        or a node above it)."""
        leaf = await self.session.scalar(
            select(NodeRow.path)
            .join(BudgetRow, BudgetRow.node_id == NodeRow.id)
            .where(BudgetRow.id == budget_id)
        )
        on_path = [int(p) for p in (leaf or "").strip("/").split("/") if p]
        owners = await self.session.scalars(
            select(UserRow.id)
            .join(UserScopeRow, UserScopeRow.user_id == UserRow.id)
            .where(
                UserScopeRow.node_id.in_(on_path),
                UserRow.role == Role.PRODUCT_OWNER.value,
                UserRow.is_active,
            )
            .order_by(UserRow.id)
        )
        return list(dict.fromkeys(owners.all()))

    async def names(self, user_ids: Iterable[int]) -> dict[int, str]:
        """Display names of users (for the sentences of notifications and the schedule view)."""
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        rows = await self.session.execute(
            select(UserRow.id, UserRow.name).where(UserRow.id.in_(wanted))
        )
        return {int(i): str(n) for i, n in rows.all()}

    async def users_with_role(self, role: str) -> list[int]:
        rows = await self.session.scalars(
            select(UserRow.id).where(UserRow.role == role, UserRow.is_active)
        )
        return list(rows.all())
