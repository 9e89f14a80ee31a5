from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from api.schemas.budgets import Money
from api.schemas.common import IsoDate, Schema
from domain.recommendations.machine import Action, Status
from domain.recommendations.queries import StatusFilter
from domain.recommendations.realized import Measure


class BudgetShareRead(Schema):
    budget_id: int
    percent: Decimal
    via: Literal["claim", "split"]
    name: str | None = Field(description="the product budget's name")


class HistoryRead(Schema):
    action: str = Field(
        description="approve, ignore, implement, reopen; resolve or reappear (import)"
    )
    from_status: Status
    to_status: Status
    by: int | None = Field(description="the user; null for an import")
    by_email: str
    at: datetime
    comment: str | None


class RecommendationRead(Schema):
    id: int
    recommendation_id: str = Field(description="the export's id when last seen (it rotates)")
    account_id: str
    account_name: str | None
    region: str | None
    action_type: str
    known_action_type: bool = Field(
        description="false: a type Cost Optimization Hub does not document"
    )
    resource_arn: str
    resource_id: str = Field(description="the resource as the CUR names it")
    in_cur: bool = Field(description="the CUR shows this resource in this account")
    current_resource_type: str | None
    current_resource_summary: str | None
    recommended_resource_type: str | None
    recommended_resource_summary: str | None
    implementation_effort: str | None
    restart_needed: bool | None
    rollback_possible: bool | None
    currency: str
    monthly_savings: Money | None = Field(
        description="estimated, after discounts; null: no estimate"
    )
    monthly_cost: Money | None = Field(description="current monthly cost, before discounts")
    savings_percentage: Decimal | None
    status: Status
    resolved: bool = Field(description="gone from the latest export: read-only")
    resolved_at: datetime | None
    version: int
    first_seen_at: datetime
    last_seen_at: datetime
    status_changed_at: datetime | None
    budgets: list[BudgetShareRead]
    actions: list[Action] = Field(description="what the caller may do now")


class RealizedSavingsRead(Schema):
    implemented_on: IsoDate
    before_month: str = Field(description="the whole month before the implementation month")
    after_month: str = Field(description="the whole month after the implementation month")
    state: Measure = Field(description="measured; waiting (after month not over); not_in_cur")
    before_cost: Money | None
    after_cost: Money | None
    realized: Money | None = Field(description="before - after; negative when it grew")


class RecommendationDetail(RecommendationRead):
    current_resource_details: str | None
    recommended_resource_details: str | None
    tags: str | None
    lookback_days: int | None
    source: str | None
    last_refresh: str | None
    history: list[HistoryRead]
    realized_savings: RealizedSavingsRead | None = Field(
        description="Implemented only: the resource's monthly cost before vs after"
    )


class StatusTotalRead(Schema):
    status: StatusFilter
    count: int
    monthly_savings: Money


class RecommendationList(Schema):
    items: list[RecommendationRead]
    total: int
    limit: int
    offset: int
    open_savings: Money = Field(description="monthly savings of the New and Approved ones")
    by_status: list[StatusTotalRead] = Field(
        description="per status over the same filter without its status"
    )


class RecommendationDecision(Schema):
    version: int = Field(ge=0, le=2**31 - 1, description="the version you read")
    comment: str | None = Field(default=None, max_length=2000)


class DecisionItem(Schema):
    id: int = Field(ge=1, le=2**31 - 1)
    version: int = Field(ge=0, le=2**31 - 1)


class RecommendationBulkDecision(Schema):
    action: Action
    items: list[DecisionItem] = Field(min_length=1, max_length=500)
    comment: str | None = Field(default=None, max_length=2000)


class RecommendationImportRead(Schema):
    id: int
    source: str
    file_format: str
    location: str | None
    rows_read: int
    created: int
    updated: int
    unchanged: int
    resolved: int
    reappeared: int
    duplicates: int = Field(description="rows dropped as duplicates of a kept row")
    not_in_cur: int = Field(description="recommendations whose resource the CUR does not show")
    unknown_action_types: list[str]
    imported_by: str
    imported_at: datetime
