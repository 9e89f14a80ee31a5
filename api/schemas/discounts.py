from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from api.schemas.common import Schema


class DiscountRead(Schema):
    id: int
    percent: Decimal = Field(description="percent off gross prices, 2 decimals")
    start: date
    end: date | None = Field(description="last day in force; null: open-ended")
    withdrawn: bool = Field(description="ended before it started: it never applied")
    version: int
    created_by: str
    created_at: datetime


class DiscountCreate(Schema):
    percent: Decimal = Field(gt=0, lt=100, max_digits=5, decimal_places=2, examples=["3.50"])
    start: date
    end: date | None = None


class DiscountEnd(Schema):
    end: date = Field(description="the last day in force; the day before `start` withdraws it")
    version: int = Field(ge=1, description="the version you read")
