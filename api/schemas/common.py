from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

T = TypeVar("T")


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Page(Schema, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class ErrorItem(BaseModel):
    message: str
    field: str | None = None
    row: int | None = None
    column: str | None = None


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[ErrorItem] | None = None
    correlation_id: str | None = None


PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (401, 403, 404, 405, 409, 413, 422, 429, 500)
}


# The request-side types below carry into the OpenAPI document every rule the code enforces
# on a field's form, so a generated client knows them (issue 19): one definition each.

BILLING_MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
"""A billing month `YYYY-MM`: the one pattern of every `period`/`month` input."""

BillingMonth = Annotated[
    str, Field(pattern=BILLING_MONTH_PATTERN, examples=["2026-10"], description="YYYY-MM")
]

NOT_BLANK_PATTERN = r"\S"
"""At least one character that is not white space: names are refused when blank."""

AMOUNT_PATTERN = r"^\$?(\d{1,16}|\d{1,3}(,\d{3}){1,4})(\.\d{1,2})?$"
"""An amount as the API takes it (`domain.budgets.money.parse_amount`): digits with at most
two decimals, thousands separators in groups of three and a leading `$` allowed, no sign."""

Amount = Annotated[str, Field(max_length=40, pattern=AMOUNT_PATTERN, examples=["1250.00"])]

NodeId = Annotated[int, Field(ge=1, le=2**31 - 1)]
"""A node (or any row) id in a body: 1 … 2^31−1, the id column's range."""

Name = Annotated[str, Field(min_length=1, max_length=200, pattern=NOT_BLANK_PATTERN)]

ResourceId = Annotated[
    str,
    Field(min_length=1, max_length=1024, pattern=r"^[^\x00-\x1f\x7f]+$"),
]
"""A CUR resource id or ARN: at most the column's 1,024 characters, no control characters
(PostgreSQL text cannot hold a NUL byte; either was a 500 on PostgreSQL)."""

# What a person reads when a value misses one of the shared patterns (the schema keeps the
# pattern for clients; the problem answer says it in words).
ACCOUNT_ID_PATTERN = r"^\d{12}$"
CALCULATOR_URL_PATTERN = r"^https://calculator\.aws/.*[Ee][Ss][Tt][Ii][Mm][Aa][Tt][Ee]"

PATTERN_MESSAGES: dict[str, str] = {
    ACCOUNT_ID_PATTERN: "must be a 12-digit AWS account id (leading zeros kept)",
    CALCULATOR_URL_PATTERN: "must be an AWS Pricing Calculator link (https://calculator.aws/…)",
    BILLING_MONTH_PATTERN: "must be a month as YYYY-MM (e.g. 2026-10)",
    NOT_BLANK_PATTERN: "must not be blank",
    AMOUNT_PATTERN: "must not be negative, and is an amount with at most two decimals "
    "(e.g. 1,234.56)",
}


def _iso_date_only(value: object) -> object:
    """Dates arrive as ISO strings (`2026-10-01`): pydantic's lax mode would also take a
    number (seconds since 1970) that the document does not allow."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date YYYY-MM-DD is expected")
    if isinstance(value, int | float):
        raise ValueError("a date YYYY-MM-DD is expected")
    return value


Flag = StrictBool
"""A boolean in a request body: JSON `true`/`false` only (lax mode took `0`, `"yes"`, …)."""

IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]
"""A date in a request: the string `YYYY-MM-DD` only."""


def _iso_datetime_only(value: object) -> object:
    if isinstance(value, str) and not re.match(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("an ISO date or date-time is expected, e.g. 2026-10-01T00:00:00Z")
    if isinstance(value, int | float):
        raise ValueError("an ISO date or date-time is expected, e.g. 2026-10-01T00:00:00Z")
    return value


def _utc_when_naive(value: datetime) -> datetime:
    """An instant without an offset (or a date alone) is read as UTC: comparing a naive
    value with the stored, aware timestamps was a server error."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


IsoDateTime = Annotated[
    datetime, BeforeValidator(_iso_datetime_only), AfterValidator(_utc_when_naive)
]
"""An instant in a request: an ISO date-time (a date alone means its midnight, UTC)."""
