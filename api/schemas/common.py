from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

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
    for code in (401, 403, 404, 409, 413, 422, 429, 500)
}
