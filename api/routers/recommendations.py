"""Cost Optimization Hub recommendations (SPEC section 7): imports, the scoped list with its
savings totals, the top open savings, one recommendation with its history, and decisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile

from adapters.recommendations.costs import CurResourceCosts
from adapters.recommendations.export import DuckDbExportReader
from api.deps import AppClock, AppContainer, CurrentUser, RequirePermission, ScopeFilter, UoW
from api.params import Id, IdFilter, Offset
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.recommendations import (
    BudgetShareRead,
    HistoryRead,
    RealizedSavingsRead,
    RecommendationBulkDecision,
    RecommendationDecision,
    RecommendationDetail,
    RecommendationImportRead,
    RecommendationList,
    RecommendationRead,
    StatusTotalRead,
)
from api.schemas.schedules import TaskRead
from api.tables import CSV_RESPONSES, CsvWanted, table
from api.uploads import read_upload
from domain.identity.roles import Permission
from domain.identity.users import User
from domain.ports import Clock, UnitOfWork
from domain.recommendations import queries, service
from domain.recommendations.machine import Action, Who, actions_for
from domain.recommendations.model import Recommendation
from domain.recommendations.queries import (
    ImportRecord,
    RecommendationFilter,
    RecommendationPage,
    Sort,
    StatusFilter,
)
from domain.scope import ResolvedScope

router = APIRouter(prefix="/api/v1", tags=["recommendations"], responses=PROBLEM_RESPONSES)

Importer = Annotated[User, RequirePermission(Permission.DECIDE_RECOMMENDATIONS)]
Limit = Annotated[int, Query(ge=1, le=1000)]


def _read(rec: Recommendation, user: User) -> RecommendationRead:
    row = rec.row
    return RecommendationRead(
        id=rec.id,
        recommendation_id=row.recommendation_id,
        account_id=row.account_id,
        account_name=row.account_name,
        region=row.region,
        action_type=row.action_type,
        known_action_type=row.known_action,
        resource_arn=row.resource_arn,
        resource_id=rec.resource_id,
        in_cur=rec.in_cur,
        current_resource_type=row.current_resource_type,
        current_resource_summary=row.current_resource_summary,
        recommended_resource_type=row.recommended_resource_type,
        recommended_resource_summary=row.recommended_resource_summary,
        implementation_effort=row.implementation_effort,
        restart_needed=row.restart_needed,
        rollback_possible=row.rollback_possible,
        currency=row.currency_code,
        monthly_savings=row.monthly_savings,
        monthly_cost=row.monthly_cost_before_discount,
        savings_percentage=row.savings_percentage,
        status=rec.status,
        resolved=rec.resolved,
        resolved_at=rec.resolved_at,
        version=rec.version,
        first_seen_at=rec.first_seen_at,
        last_seen_at=rec.last_seen_at,
        status_changed_at=rec.status_changed_at,
        budgets=[
            BudgetShareRead(
                budget_id=b.budget_id,
                percent=b.percent,
                via=b.via,
                name=b.name,
            )
            for b in rec.budgets
        ],
        actions=list(actions_for(rec.status, Who.of(user.id, user.role), resolved=rec.resolved)),
    )


def _detail(found: queries.RecommendationDetail, user: User) -> RecommendationDetail:
    rec = found.recommendation
    return RecommendationDetail(
        **_read(rec, user).model_dump(),
        current_resource_details=rec.row.current_resource_details,
        recommended_resource_details=rec.row.recommended_resource_details,
        tags=rec.row.tags,
        lookback_days=rec.row.lookback_days,
        source=rec.row.source,
        last_refresh=rec.row.last_refresh,
        history=[HistoryRead.model_validate(h, from_attributes=True) for h in found.history],
        realized_savings=None
        if found.realized is None
        else RealizedSavingsRead(
            implemented_on=found.realized.implemented_on,
            before_month=found.realized.before_month,
            after_month=found.realized.after_month,
            state=found.realized.state,
            before_cost=found.realized.before_cost,
            after_cost=found.realized.after_cost,
            realized=found.realized.realized,
        ),
    )


def _list(page: RecommendationPage, user: User, limit: int, offset: int) -> RecommendationList:
    return RecommendationList(
        items=[_read(r, user) for r in page.items],
        total=page.total,
        limit=limit,
        offset=offset,
        open_savings=page.open_savings,
        by_status=[
            StatusTotalRead(status=t.status, count=t.count, monthly_savings=t.monthly_savings)
            for t in page.by_status
        ],
    )


def _import_read(record: ImportRecord) -> RecommendationImportRead:
    return RecommendationImportRead(
        id=record.id,
        source=record.source,
        file_format=record.file_format,
        location=record.location,
        rows_read=record.rows_read,
        created=record.created,
        updated=record.updated,
        unchanged=record.unchanged,
        resolved=record.resolved,
        reappeared=record.reappeared,
        duplicates=record.duplicates,
        not_in_cur=record.not_in_cur,
        unknown_action_types=list(record.unknown_action_types),
        imported_by=record.imported_by,
        imported_at=record.imported_at,
    )


@router.post("/recommendations/imports", response_model=RecommendationImportRead, status_code=201)
async def import_recommendations(
    user: Importer,
    uow: UoW,
    container: AppContainer,
    file: Annotated[
        UploadFile, File(description="a Cost Optimization Recommendations export (parquet/CSV)")
    ],
) -> RecommendationImportRead:
    """Import an AWS Data Exports "Cost Optimization Recommendations" file, all or nothing:
    upsert by stable key (decisions kept), resolve those gone, un-resolve those back, map
    each to budgets. A missing required column or a bad value answers 422 naming it (row,
    column) and changes nothing."""
    data = await read_upload(file, container.settings.upload_limit_mb)
    record = await service.import_upload(
        uow,
        container.clock,
        user,
        container.resources,
        DuckDbExportReader(),
        container.objects,
        data=data,
        filename=file.filename or "export",
    )
    return _import_read(record)


@router.get(
    "/recommendations/imports",
    response_model=list[RecommendationImportRead],
    responses=CSV_RESPONSES,
)
async def list_recommendation_imports(
    _user: Importer, uow: UoW, want: CsvWanted, limit: Limit = 50
) -> list[RecommendationImportRead] | Response:
    """Past imports, newest first: where from, what each changed, who ran it."""
    items = [_import_read(r) for r in await uow.recommendations.imports(limit)]
    return table(want, items, items, RecommendationImportRead, "recommendation-imports")


@router.get("/recommendations", response_model=RecommendationList, responses=CSV_RESPONSES)
async def list_recommendations(
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    want: CsvWanted,
    status: StatusFilter | None = None,
    action_type: Annotated[str | None, Query(max_length=200)] = None,
    account_id: Annotated[str | None, Query(pattern=r"^\d{12}$")] = None,
    budget_id: IdFilter = None,
    sort: Sort = Sort.SAVINGS,
    limit: Limit = 100,
    offset: Offset = 0,
) -> RecommendationList | Response:
    """The recommendations the caller sees (finance: all; Cloud Engineers: their accounts',
    all when unmapped; owners: those mapped to their budgets, read-only). Without `status`,
    those still in the export; `status=resolved` lists those gone. Totals per status."""
    page = await queries.list_recommendations(
        uow,
        user,
        scope,
        RecommendationFilter(
            status=status,
            action_type=action_type,
            account_id=account_id,
            budget_id=budget_id,
            sort=sort,
        ),
        limit=limit,
        offset=offset,
    )
    body = _list(page, user, limit, offset)
    return table(want, body, body.items, RecommendationRead, "recommendations")


@router.get("/recommendations/top", response_model=RecommendationList)
async def top_recommendations(
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> RecommendationList:
    """The open recommendations (New or Approved) with the largest monthly savings, for the
    summary page."""
    page = await queries.top_open(uow, user, scope, limit=limit)
    return _list(page, user, limit, 0)


@router.post("/recommendations/decisions", response_model=list[RecommendationRead])
async def decide_recommendations(
    body: RecommendationBulkDecision,
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
) -> list[RecommendationRead]:
    """One action on several recommendations (bulk approve or ignore), all or nothing: any
    refusal (a stale version, a wrong state, a missing comment) refuses them all."""
    saved = await service.decide_many(
        uow,
        clock,
        user,
        scope,
        requests=[service.DecisionRequest(i.id, i.version) for i in body.items],
        action=body.action,
        comment=body.comment,
    )
    return [_read(r, user) for r in saved]


@router.get("/recommendations/{recommendation_id}", response_model=RecommendationDetail)
async def get_recommendation(
    recommendation_id: Id,
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
    container: AppContainer,
) -> RecommendationDetail:
    """One recommendation with its budgets, its history of decisions and, once Implemented,
    its realized savings: the resource's cost in the whole month before the implementation
    month against the whole month after it."""
    found = await queries.detail(
        uow,
        user,
        scope,
        recommendation_id,
        costs=CurResourceCosts(container.cur),
        today=clock.today(),
    )
    return _detail(found, user)


@router.post("/recommendations/{recommendation_id}/{action}", response_model=RecommendationDetail)
async def act_on_recommendation(
    recommendation_id: Id,
    action: Action,
    body: RecommendationDecision,
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
    container: AppContainer,
) -> RecommendationDetail:
    """`approve`, `ignore` (comment required) or `reopen` an Ignored one (Financial Admin,
    Vendor Manager, Admin); `implement` an Approved one (Cloud Engineer). A wrong state, a
    resolved recommendation or a stale version answer 409; the wrong role 403."""
    await service.decide(
        uow,
        clock,
        user,
        scope,
        rec_id=recommendation_id,
        action=action,
        version=body.version,
        comment=body.comment,
    )
    found = await queries.detail(
        uow,
        user,
        scope,
        recommendation_id,
        costs=CurResourceCosts(container.cur),
        today=clock.today(),
    )
    return _detail(found, user)


async def recommendation_tasks(
    uow: UnitOfWork, _clock: Clock, user: User, scope: ResolvedScope
) -> list[TaskRead]:
    """The Approved recommendations waiting on a Cloud Engineer, as inbox tasks."""
    return [
        TaskRead(
            kind="recommendation.implement",
            title=f"Implement: {rec.row.action_type} {rec.resource_id}"
            + (
                f" ({rec.row.recommended_resource_summary})"
                if rec.row.recommended_resource_summary
                else ""
            ),
            budget_id=rec.budgets[0].budget_id if rec.budgets else None,
            recommendation_id=rec.id,
            status=rec.status,
            version=rec.version,
            link=f"/recommendations/{rec.id}",
            actions=[Action.IMPLEMENT.value],
        )
        for rec in await queries.implementation_tasks(uow, user, scope)
    ]
