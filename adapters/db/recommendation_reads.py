"""The reads of the recommendations repository: pages with totals per status, one
recommendation with the budget shares its reader may see, the history, the Cloud Engineers to
notify and the past imports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, false, func, select, true

from adapters.db.models import (
    BudgetRow,
    NodeRow,
    RecommendationBudgetRow,
    RecommendationHistoryRow,
    RecommendationImportRow,
    RecommendationRow,
    UserRow,
)
from adapters.db.recommendation_rows import chunks, import_of, recommendation_of
from adapters.db.repository import Repository
from adapters.db.scope import scope_condition
from domain.identity.roles import Role
from domain.recommendations.machine import Status
from domain.recommendations.model import BudgetShare, HistoryEntry, Recommendation
from domain.recommendations.queries import (
    ImportRecord,
    RecommendationFilter,
    RecommendationPage,
    Sort,
    StatusFilter,
    StatusTotal,
    Visibility,
)


class RecommendationReads(Repository[RecommendationRow]):
    model = RecommendationRow

    async def history(self, rec_id: int) -> list[HistoryEntry]:
        rows = await self.session.scalars(
            select(RecommendationHistoryRow)
            .where(RecommendationHistoryRow.recommendation_id == rec_id)
            .order_by(RecommendationHistoryRow.id)
        )
        return [
            HistoryEntry(
                r.action,
                Status(r.from_status),
                Status(r.to_status),
                r.by_user_id,
                r.by_email,
                r.at,
                r.comment,
            )
            for r in rows
        ]

    def _visible(self, view: Visibility) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if view.accounts is not None:
            conditions.append(
                RecommendationRow.account_id.in_(sorted(view.accounts))
                if view.accounts
                else false()
            )
        if view.budgets is not None and view.budgets.prefixes is not None:
            conditions.append(
                exists(
                    select(RecommendationBudgetRow.budget_id)
                    .join(BudgetRow, BudgetRow.id == RecommendationBudgetRow.budget_id)
                    .join(NodeRow, NodeRow.id == BudgetRow.node_id)
                    .where(
                        RecommendationBudgetRow.recommendation_id == RecommendationRow.id,
                        scope_condition(view.budgets, NodeRow.path),
                    )
                )
            )
        return conditions

    def _filtered(self, filters: RecommendationFilter, *, with_status: bool) -> list[Any]:
        conditions: list[Any] = []
        if filters.action_type is not None:
            conditions.append(RecommendationRow.action_type == filters.action_type)
        if filters.account_id is not None:
            conditions.append(RecommendationRow.account_id == filters.account_id)
        if filters.budget_id is not None:
            conditions.append(
                exists(
                    select(RecommendationBudgetRow.budget_id).where(
                        RecommendationBudgetRow.recommendation_id == RecommendationRow.id,
                        RecommendationBudgetRow.budget_id == filters.budget_id,
                    )
                )
            )
        if filters.open_only:
            conditions += [
                RecommendationRow.resolved_at.is_(None),
                RecommendationRow.status.in_([Status.NEW.value, Status.APPROVED.value]),
            ]
        if with_status and filters.status is not None:
            if filters.status is StatusFilter.RESOLVED:
                conditions.append(RecommendationRow.resolved_at.is_not(None))
            else:
                conditions += [
                    RecommendationRow.resolved_at.is_(None),
                    RecommendationRow.status == filters.status.value,
                ]
        return conditions

    async def page(
        self, view: Visibility, filters: RecommendationFilter, *, limit: int, offset: int
    ) -> RecommendationPage:
        visible = self._visible(view)
        where = and_(true(), *visible, *self._filtered(filters, with_status=True))
        order: list[Any]
        if filters.sort is Sort.SAVINGS:
            order = [
                case((RecommendationRow.monthly_savings.is_(None), 1), else_=0),
                RecommendationRow.monthly_savings.desc(),
            ]
        elif filters.sort is Sort.NEWEST:
            order = [RecommendationRow.first_seen_at.desc()]
        else:
            order = [RecommendationRow.account_id, RecommendationRow.action_type]
        stmt: Select[Any] = (
            select(RecommendationRow)
            .where(where)
            .order_by(*order, RecommendationRow.id)
            .limit(limit)
            .offset(offset)
            .execution_options(populate_existing=True)
        )
        rows = list(await self.session.scalars(stmt))
        total = int(
            await self.session.scalar(
                select(func.count()).select_from(RecommendationRow).where(where)
            )
            or 0
        )
        status_key = case(
            (RecommendationRow.resolved_at.is_not(None), StatusFilter.RESOLVED.value),
            else_=RecommendationRow.status,
        )
        grouped = await self.session.execute(
            select(status_key, func.count(), func.sum(RecommendationRow.monthly_savings))
            .where(and_(true(), *visible, *self._filtered(filters, with_status=False)))
            .group_by(status_key)
        )
        totals = {StatusFilter(s): (int(n), Decimal(v or 0)) for s, n, v in grouped}
        by_status = [StatusTotal(s, *totals.get(s, (0, Decimal("0")))) for s in StatusFilter]
        shares = await self._shares([r.id for r in rows], view)
        return RecommendationPage(
            [recommendation_of(r, shares.get(r.id, ())) for r in rows], total, by_status
        )

    async def _shares(
        self, rec_ids: Sequence[int], view: Visibility
    ) -> dict[int, list[BudgetShare]]:
        out: dict[int, list[BudgetShare]] = defaultdict(list)
        scope = view.budgets
        for chunk in chunks(sorted(rec_ids)):
            rows = await self.session.execute(
                select(RecommendationBudgetRow, NodeRow.path, NodeRow.name)
                .join(BudgetRow, BudgetRow.id == RecommendationBudgetRow.budget_id)
                .join(NodeRow, NodeRow.id == BudgetRow.node_id)
                .where(RecommendationBudgetRow.recommendation_id.in_(chunk))
                .order_by(
                    RecommendationBudgetRow.recommendation_id,
                    RecommendationBudgetRow.percent.desc(),
                    RecommendationBudgetRow.budget_id,
                )
            )
            for share, path, name in rows:
                # an owner sees only the shares of the budgets in their scope
                if scope is None or scope.covers(path):
                    out[share.recommendation_id].append(
                        BudgetShare(share.budget_id, Decimal(share.percent), share.via, name)
                    )
        return out

    async def find(self, view: Visibility, rec_id: int) -> Recommendation | None:
        row = await self.session.scalar(
            select(RecommendationRow)
            .where(RecommendationRow.id == rec_id, *self._visible(view))
            .execution_options(populate_existing=True)
        )
        if row is None:
            return None
        shares = await self._shares([row.id], view)
        return recommendation_of(row, shares.get(row.id, ()))

    async def engineers(self) -> list[int]:
        rows = await self.session.scalars(
            select(UserRow.id)
            .where(UserRow.role == Role.CLOUD_ENGINEER.value, UserRow.is_active)
            .order_by(UserRow.id)
        )
        return list(rows)

    async def imports(self, limit: int) -> list[ImportRecord]:
        rows = await self.session.scalars(
            select(RecommendationImportRow).order_by(RecommendationImportRow.id.desc()).limit(limit)
        )
        return [import_of(r) for r in rows]
