"""Bounded integer parameters of the edge.

Ids are `INTEGER` columns (signed 32-bit on PostgreSQL): a larger number must be refused at
the edge, never passed down to overflow in a driver (a 500). An id out of range names no object and
answers 404 like a missing one (see `api.errors`); a query number out of range is bad input
and answers 422 naming the parameter.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_INT64 = 2**63 - 1
MAX_ID = 2**31 - 1

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
"""A path id: 1 … 2^31−1."""

IdFilter = Annotated[int | None, Query(ge=1, le=MAX_ID)]
"""An optional id in the query string (a filter)."""

YearFilter = Annotated[int | None, Query(ge=1, le=9999)]
"""An optional fiscal year in the query string."""

Offset = Annotated[int, Query(ge=0, le=MAX_INT64)]
"""How many rows to skip."""
