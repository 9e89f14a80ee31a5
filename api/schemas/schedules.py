from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.budgets import Money
from api.schemas.common import BILLING_MONTH_PATTERN, IsoDate, Schema
from domain.recommendations.machine import Status as RecommendationStatus
from domain.schedules.machine import ScheduleStatus
from domain.spend_cards.machine import CardStatus


class ScheduleMonthRead(Schema):
    month: str
    amount: Money | None
    workload_estimate: Money
    closed: bool


class ApprovedScheduleRead(Schema):
    """The schedule as last approved: variance is shown against it until the next approval."""

    version: int
    approved_by_id: int | None
    approved_by_name: str | None
    approved_at: datetime | None
    total: Money


class ScheduleRead(Schema):
    budget_id: int
    status: ScheduleStatus = Field(
        description="`needs_reschedule`: the amount in force changed and no longer equals the "
        "agreed schedule (see `amount_gap`); its Product Owners have a task to reschedule"
    )
    version: int
    annual_amount: Money = Field(description="the annual amount in force")
    scheduled_total: Money
    amount_gap: Money = Field(
        description="annual amount in force − scheduled total (positive: the schedule is short)"
    )
    months: list[ScheduleMonthRead]
    reason: str | None
    submitted_by_id: int | None
    submitted_by_name: str | None = None
    submitted_at: datetime | None = None
    reschedule_requested_by_id: int | None
    decided_by_id: int | None
    decided_by_name: str | None = None
    decided_at: datetime | None
    approved: ApprovedScheduleRead | None = None
    first_approved_by_id: int | None = Field(
        default=None,
        description="set while a pending schedule above FINOPS_DUAL_APPROVAL_ABOVE has its "
        "first approval and waits for a second approver (someone else)",
    )
    first_approved_by_name: str | None = None
    first_approved_at: datetime | None = None


class MonthVarianceRead(Schema):
    month: str
    scheduled: Money | None = Field(description="the month's amount in the approved schedule")
    spend: Money | None = Field(description="the month's spend (month to date when in progress)")
    variance: Money | None = Field(
        description="scheduled − spend; in the month in progress pro-rated − month to date"
    )
    in_progress: bool
    days_elapsed: int | None = None
    days_in_month: int | None = None
    prorated: Money | None = Field(
        default=None, description="scheduled × complete days before today ÷ days in the month"
    )
    forecast: Money | None = Field(
        default=None, description="run rate: month to date ÷ days elapsed × days in the month"
    )
    forecast_variance: Money | None = Field(default=None, description="scheduled − forecast")


class VarianceRead(Schema):
    budget_id: int
    status: ScheduleStatus
    as_of: IsoDate = Field(description="today: the month in progress counts the days before it")
    basis: ApprovedScheduleRead | None = Field(
        description="the approved schedule variance is against (None: never approved)"
    )
    months: list[MonthVarianceRead]


class ScheduleMonthWrite(Schema):
    month: str = Field(pattern=BILLING_MONTH_PATTERN, examples=["2026-07"])
    amount: str = Field(examples=["10000.00"])


class ScheduleWrite(Schema):
    months: list[ScheduleMonthWrite]
    version: int | None = Field(default=None, description="the version you read (or If-Match)")


class ScheduleAction(Schema):
    version: int | None = Field(default=None, description="the version you read (or If-Match)")
    reason: str | None = Field(default=None, max_length=2000)


class SpreadWrite(Schema):
    method: str = Field(default="even", pattern="^(even|estimates)$")


class SpreadRead(Schema):
    method: str
    months: list[ScheduleMonthWrite]


class TaskRead(Schema):
    kind: str
    title: str
    #: none on a recommendation task whose account no budget holds
    budget_id: int | None
    #: set on spend-card tasks: the card to decide
    card_id: int | None = None
    #: set on recommendation tasks: the recommendation to implement
    recommendation_id: int | None = None
    status: ScheduleStatus | CardStatus | RecommendationStatus
    version: int
    link: str
    reason: str | None = None
    actions: list[str]


class NotificationRead(Schema):
    id: int
    kind: str
    message: str
    link: str | None
    created_at: datetime
    read_at: datetime | None
