"""What the budget store hands back: plain records of nodes, budgets, versions and imports."""

from __future__ import annotations

from collections.abc import Mapping
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


@dataclass(frozen=True)
class NewBudget:
    """A product budget to create under an existing product node (active, not retired)."""

    node_id: int
    start_date: date
    attributes: Mapping[str, str]


@dataclass(frozen=True)
class NewVersion:
    """An annual amount in force from `effective_from` (from a load when `import_id` is set)."""

    budget_id: int
    annual_amount: Decimal
    effective_from: date
    created_by: str
    import_id: int | None = None


@dataclass(frozen=True)
class BudgetChange:
    """What changes on one budget row. `attributes` None leaves them as they are; a `status`
    is written together with its `retired_from` (None when active again)."""

    budget_id: int
    attributes: Mapping[str, str] | None = None
    status: BudgetStatus | None = None
    retired_from: date | None = None


@dataclass(frozen=True)
class NewImport:
    """One chart-of-accounts load as recorded: options, counts and where the raw file is."""

    year: int
    filename: str
    options: Mapping[str, object]
    counts: Mapping[str, int]
    object_key: str
    sha256: str
    size_bytes: int
    uploaded_by_id: int | None
    uploaded_by: str
    uploaded_at: datetime
