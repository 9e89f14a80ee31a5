"""What the budget store hands back: plain records of nodes, budgets, versions and imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.budgets.model import BudgetStatus, ProductPath


@dataclass(frozen=True)
class NodeRecord:
    id: int
    year: int
    level: int
    parent_id: int | None
    name: str
    path: str


@dataclass(frozen=True)
class NewNode:
    level: int
    parent_id: int | None
    parent_path: str
    name: str


@dataclass(frozen=True)
class VersionRecord:
    annual_amount: Decimal
    effective_from: date
    created_by: str
    created_at: datetime
    import_id: int | None


@dataclass(frozen=True)
class BudgetRecord:
    id: int
    year: int
    node_id: int
    path: ProductPath
    node_ids: tuple[int, int, int, int]
    status: BudgetStatus
    start_date: date
    retired_from: date | None
    annual_amount: Decimal
    attributes: dict[str, str]
    versions: tuple[VersionRecord, ...] = ()


@dataclass(frozen=True)
class ImportRecord:
    id: int
    year: int
    filename: str
    options: dict[str, Any]
    counts: dict[str, int]
    object_key: str
    sha256: str
    size_bytes: int
    uploaded_by: str
    uploaded_at: datetime
