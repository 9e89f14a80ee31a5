from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import Field

from api.schemas.budgets import Money
from api.schemas.common import IsoDate, Schema
from domain.spend_cards.explain import MoverKind
from domain.spend_cards.figures import Colour
from domain.spend_cards.machine import CardAction, CardStatus, Side


class PersonRead(Schema):
    id: int
    name: str
    email: str


class CardFiguresRead(Schema):
    actual: Money
    budget: Money
    variance: Money
    variance_ratio: Decimal | None = Field(description="variance ÷ budget, 4 decimals")
    colour: Colour
    month_scheduled: Money
    month_to_date: Money
    month_to_date_budget: Money
    forecast: Money
    forecast_variance: Money


class MoverRead(Schema):
    kind: MoverKind
    name: str
    current: Money
    previous: Money = Field(description="the previous period's spend at this period's length")
    change: Money
    share_of_budget: Decimal | None


class NewResourceRead(Schema):
    name: str
    first_seen: IsoDate
    current: Money


class CardWhyRead(Schema):
    against_previous: list[MoverRead]
    against_budget: list[MoverRead]
    new_resources: list[NewResourceRead]
    new_resource_count: int


class CorrectionRead(Schema):
    period_start: IsoDate
    period_end: IsoDate
    was: Money
    now: Money
    delta: Money


class CardDecisionRead(Schema):
    action: CardAction
    by: int
    at: datetime
    comment: str | None


class SpendCardRead(Schema):
    id: int
    budget_id: int
    budget_path: list[str]
    period_start: IsoDate
    period_end: IsoDate
    status: CardStatus
    version: int
    figures: CardFiguresRead
    pending_side: Side | None = Field(description="whose action the card waits on")
    pending_with: list[PersonRead] = Field(description="the users who own the pending action")
    actions: list[CardAction] = Field(description="what the caller may do now")
    responded_by: int | None
    decisions: list[CardDecisionRead]
    corrections: list[CorrectionRead]
    notes: list[str]


class SpendCardDetail(SpendCardRead):
    why: CardWhyRead


class SpendCardAction(Schema):
    version: int | None = Field(default=None, description="the version you read (or If-Match)")
    comment: str | None = Field(default=None, max_length=2000)
