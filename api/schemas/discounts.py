from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field, WithJsonSchema

from api.schemas.common import IsoDate, Schema


class DiscountRead(Schema):
    id: int
    percent: Decimal = Field(description="percent off gross prices, 2 decimals")
    start: IsoDate
    end: IsoDate | None = Field(description="last day in force; null: open-ended")
    withdrawn: bool = Field(description="ended before it started: it never applied")
    version: int
    created_by: str
    created_at: datetime


def _text_only(value: object) -> object:
    if isinstance(value, float | int):
        raise ValueError('a percent is sent as text with at most two decimals, e.g. "3.50"')
    return value


# More than 0 and less than 100, at most two decimals, as text: a JSON number such as
# 98.99999999999999 cannot say "two decimals", so the document asks for the string it checks.
Percent = Annotated[
    Decimal,
    BeforeValidator(_text_only),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([1-9]\d?(\.\d{1,2})?|0\.(0[1-9]|[1-9]\d?))$",
            "examples": ["3.50"],
        }
    ),
]


class DiscountCreate(Schema):
    percent: Percent = Field(gt=0, lt=100, max_digits=5, decimal_places=2)
    start: IsoDate
    end: IsoDate | None = None


class DiscountEnd(Schema):
    end: IsoDate = Field(description="the last day in force; the day before `start` withdraws it")
    version: int = Field(ge=1, description="the version you read")
