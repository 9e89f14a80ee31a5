"""Every list as CSV (SPEC section 9: every list a user can see can be downloaded).

A list endpoint takes `want: CsvWanted` and ends with `return table(want, body, items, Model,
"name")`: JSON (`body`, the default) unless the client asked for CSV, by `Accept: text/csv` or
`?format=csv`; then `items` are written through the finance CSV codec (formula cells escaped,
amounts exact) as `name.csv`.

Columns are flat and follow the item schema: one column per field in its declared order; a
nested object's fields become `parent.child` columns; a list of values becomes one cell, its
values joined by `; `; a list of objects one cell of JSON. Amounts stay numbers (plain decimal
notation, never rounded further than the JSON), dates ISO 8601, booleans true/false.
"""

from __future__ import annotations

import json
import types
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel

from adapters.files.csv_codec import csv_bytes

CSV = "text/csv"
T = TypeVar("T")

# for the OpenAPI document: a list endpoint also answers text/csv
CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {CSV: {"schema": {"type": "string"}}}, "description": "JSON, or CSV"}
}


async def _wants_csv(
    request: Request,
    format: Annotated[  # noqa: A002 (the query parameter's public name)
        Literal["json", "csv"] | None,
        Query(description="`csv` for a CSV download (same as `Accept: text/csv`)"),
    ] = None,
) -> bool:
    if format is not None:
        return format == "csv"
    accept = request.headers.get("accept", "")
    # CSV only when it is asked for by name and JSON is not preferred before it
    kinds = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    return CSV in kinds and (
        "application/json" not in kinds or kinds.index(CSV) < kinds.index("application/json")
    )


CsvWanted = Annotated[bool, Depends(_wants_csv)]


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model of a field typed `Model` or `Model | None`, else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType):
        models = [a for a in get_args(annotation) if a is not type(None)]
        if len(models) == 1:
            return _model_of(models[0])
    return None


def columns_of(model: type[BaseModel], prefix: str = "") -> list[str]:
    """The flat column names of `model`: nested models' fields as `parent.child`."""
    out: list[str] = []
    for name, info in model.model_fields.items():
        nested = _model_of(info.annotation)
        if nested is not None:
            out += columns_of(nested, f"{prefix}{name}.")
        else:
            out.append(prefix + name)
    return out


def _scalar(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    return value


def _text(value: Any) -> str:
    value = _scalar(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else str(value)


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        if all(not isinstance(v, dict | list | tuple) for v in value):
            return "; ".join(_text(v) for v in value)
        return json.dumps(value, default=_text, separators=(",", ":"))
    if isinstance(value, dict):
        return json.dumps(value, default=_text, separators=(",", ":"))
    return _scalar(value)


def _lookup(data: dict[str, Any], column: str) -> Any:
    value: Any = data
    for part in column.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def csv_of(items: Sequence[BaseModel], model: type[BaseModel]) -> bytes:
    """`items` as CSV bytes, one row each, columns `columns_of(model)`."""
    columns = columns_of(model)
    rows = []
    for item in items:
        data = item.model_dump(mode="python")
        rows.append([_cell(_lookup(data, c)) for c in columns])
    return csv_bytes(columns, rows)


def csv_download(data: bytes, name: str) -> Response:
    return Response(
        content=data,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def table(
    want: bool, body: T, items: Sequence[BaseModel], model: type[BaseModel], name: str
) -> T | Response:
    """`body` as JSON, or `items` as a CSV download `name.csv` when the client asked for CSV."""
    if not want:
        return body
    return csv_download(csv_of(items, model), name)
