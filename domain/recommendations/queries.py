"""Reads of recommendations: who sees which, the scoped list with its savings totals, the top
open savings, one recommendation with its history, and the Cloud Engineers' tasks.

Visibility (SPEC section 1):
- finance roles and Admins see every recommendation;
- a Cloud Engineer sees the recommendations of the accounts in their scope, or all when they
  are not mapped to any node (today no Cloud Engineer can be mapped: all see all);
- an owner sees, read-only, those mapped (by claim or split) to a budget in their scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from domain.errors import NotFound
from domain.identity.roles import Role
from domain.identity.users import User
from domain.ports import UnitOfWork
from domain.recommendations.machine import Status
from domain.recommendations.model import HistoryEntry, Recommendation
from domain.recommendations.ports import ResourceCostReader
from domain.recommendations.realized import RealizedSavings, realized_savings
from domain.scope import ResolvedScope

ZERO = Decimal("0")


@dataclass(frozen=True)
class Visibility:
    """Which recommendations a caller sees: those mapped to a budget inside `budgets` (None:
    no such condition) and of an account in `accounts` (None: any account)."""

    budgets: ResolvedScope | None = None
    accounts: frozenset[str] | None = None

    @property
    def everything(self) -> bool:
        return self.budgets is None and self.accounts is None


class StatusFilter(StrEnum):
    """A status of the recommendations still in the export, or `resolved` for those gone."""

    NEW = "new"
    APPROVED = "approved"
    IGNORED = "ignored"
    IMPLEMENTED = "implemented"
    RESOLVED = "resolved"


class Sort(StrEnum):
    SAVINGS = "savings"  # largest monthly savings first, empty savings last
    NEWEST = "newest"  # first seen last, first
    ACCOUNT = "account"


@dataclass(frozen=True)
class RecommendationFilter:
    status: StatusFilter | None = None
    action_type: str | None = None
    account_id: str | None = None
    budget_id: int | None = None
    #: only the open ones (New or Approved, not resolved)
    open_only: bool = False
    sort: Sort = Sort.SAVINGS


@dataclass(frozen=True)
class StatusTotal:
    status: StatusFilter
    count: int
    monthly_savings: Decimal


@dataclass(frozen=True)
class RecommendationPage:
    items: list[Recommendation]
    total: int
    #: per status (resolved ones apart), over the filter without its status
    by_status: list[StatusTotal] = field(default_factory=list)

    @property
    def open_savings(self) -> Decimal:
        return sum((t.monthly_savings for t in self.by_status if t.status in _OPEN_FILTERS), ZERO)


_OPEN_FILTERS = frozenset({StatusFilter.NEW, StatusFilter.APPROVED})


@dataclass(frozen=True)
class NewImport:
    source: str
    file_format: str
    location: str | None
    rows_read: int
    created: int
    updated: int
    unchanged: int
    resolved: int
    reappeared: int
    duplicates: int
    unknown_action_types: tuple[str, ...]
    not_in_cur: int
    imported_by: str
    imported_at: datetime


@dataclass(frozen=True)
class ImportRecord(NewImport):
    id: int = 0


async def visibility_for(uow: UnitOfWork, user: User, scope: ResolvedScope) -> Visibility:
    if scope.unrestricted:
        return Visibility()
    if user.role is Role.CLOUD_ENGINEER:
        if not scope.prefixes:  # not mapped: SPEC "all when unscoped"
            return Visibility()
        accounts = await uow.accounts.list(scope)
        return Visibility(accounts=frozenset(a.account_id for a in accounts))
    return Visibility(budgets=scope)


async def list_recommendations(
    uow: UnitOfWork,
    user: User,
    scope: ResolvedScope,
    filters: RecommendationFilter,
    *,
    limit: int,
    offset: int,
) -> RecommendationPage:
    view = await visibility_for(uow, user, scope)
    page = await uow.recommendations.page(view, filters, limit=limit, offset=offset)
    return replace(page, items=await _shares_in_scope(uow, scope, page.items))


async def _shares_in_scope(
    uow: UnitOfWork, scope: ResolvedScope, recs: list[Recommendation]
) -> list[Recommendation]:
    """The budget shares a caller is shown: only those of budgets in their scope. A shared
    account's recommendation reaches an owner through their budget; the other budgets' names
    are not theirs to read (nor, for a Cloud Engineer on every account, any budget's)."""
    if scope.unrestricted or not recs:
        return recs
    visible = {b.id for b in await uow.budgets.list_budgets(scope)}
    return [replace(r, budgets=tuple(s for s in r.budgets if s.budget_id in visible)) for r in recs]


async def top_open(
    uow: UnitOfWork, user: User, scope: ResolvedScope, *, limit: int
) -> RecommendationPage:
    """The open recommendations (New or Approved, still in the export) with the largest
    monthly savings, for the summary page."""
    return await list_recommendations(
        uow, user, scope, RecommendationFilter(open_only=True), limit=limit, offset=0
    )


@dataclass(frozen=True)
class RecommendationDetail:
    recommendation: Recommendation
    history: list[HistoryEntry]
    realized: RealizedSavings | None = None


async def find_visible(
    uow: UnitOfWork, user: User, scope: ResolvedScope, rec_id: int
) -> Recommendation:
    view = await visibility_for(uow, user, scope)
    found = await uow.recommendations.find(view, rec_id)
    if found is None:
        raise NotFound("recommendation not found")
    return (await _shares_in_scope(uow, scope, [found]))[0]


async def detail(
    uow: UnitOfWork,
    user: User,
    scope: ResolvedScope,
    rec_id: int,
    *,
    costs: ResourceCostReader | None = None,
    today: date | None = None,
) -> RecommendationDetail:
    """One recommendation with its history and (Implemented, with `costs`) its realized
    savings as of `today`."""
    rec = await find_visible(uow, user, scope, rec_id)
    realized = (
        await realized_savings(rec, costs, today)
        if costs is not None and today is not None
        else None
    )
    return RecommendationDetail(rec, await uow.recommendations.history(rec.id), realized)


async def implementation_tasks(
    uow: UnitOfWork, user: User, scope: ResolvedScope
) -> list[Recommendation]:
    """The Approved recommendations waiting on a Cloud Engineer (empty for other roles)."""
    if user.role is not Role.CLOUD_ENGINEER:
        return []
    page = await list_recommendations(
        uow,
        user,
        scope,
        RecommendationFilter(status=StatusFilter.APPROVED),
        limit=500,
        offset=0,
    )
    return page.items


def status_filter(status: Status) -> StatusFilter:
    return StatusFilter(status.value)
