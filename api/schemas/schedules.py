from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.budgets import Money
from api.schemas.common import Schema
from domain.recommendations.machine import Status as RecommendationStatus
from domain.schedules.machine import ScheduleStatus
from domain.spend_cards.machine import CardStatus


class ScheduleMonthRead(Schema):
    month: str
    amount: Money | None
    workload_estimate: Money
    closed: bool


class ScheduleRead(Schema):
    budget_id: int
    status: ScheduleStatus
    version: int
    annual_amount: Money
    scheduled_total: Money
    months: list[ScheduleMonthRead]
    reason: str | None
    submitted_by_id: int | None
    reschedule_requested_by_id: int | None
    decided_by_id: int | None
    decided_at: datetime | None


class ScheduleMonthWrite(Schema):
    month: str = Field(pattern=r"^\d{4}-\d{2}$", examples=["2026-07"])
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
