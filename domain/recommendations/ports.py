"""Port of the recommendations: their store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from datetime import datetime
    from decimal import Decimal

    from domain.recommendations.importing import Update
    from domain.recommendations.model import BudgetShare, ExportRow, HistoryEntry, Recommendation
    from domain.recommendations.queries import (
        ImportRecord,
        NewImport,
        RecommendationFilter,
        RecommendationPage,
        Visibility,
    )


class RecommendationStore(Protocol):
    """Recommendations keyed by their stable key (unique), their decision history, the budgets
    they map to and the imports that brought them."""

    async def lock_import(self, at: datetime) -> None:
        """Hold the import lock until the transaction ends (two imports run one after the
        other, the second seeing what the first wrote)."""
        ...

    async def everything(self) -> list[Recommendation]:
        """Every stored recommendation, resolved ones included (an import compares them)."""
        ...

    async def add_many(
        self, rows: Sequence[tuple[ExportRow, str, bool]], at: datetime
    ) -> dict[str, int]:
        """Create `(row, CUR resource id, in CUR)` as New; their ids by stable key."""
        ...

    async def update_many(self, updates: Sequence[tuple[Update, str, bool]], at: datetime) -> None:
        """Replace the figures (and un-resolve) of each `(update, CUR resource id, in CUR)`
        still at `update.expected_version`; Conflict when any moved on meanwhile."""
        ...

    async def seen(self, ids: Sequence[int], at: datetime) -> None:
        """Mark these as present in the export at `at` (nothing else changes)."""
        ...

    async def set_in_cur(self, rec_id: int, in_cur: bool) -> None:
        """Record whether the CUR shows the resource (no version change: no figure moved)."""
        ...

    async def resolve(self, recs: Sequence[Recommendation], at: datetime) -> None: ...

    async def set_budgets(self, budgets: Mapping[int, Sequence[BudgetShare]]) -> None:
        """Replace the budget mapping of each recommendation given."""
        ...

    async def add_history(self, rec_id: int, entry: HistoryEntry) -> None: ...

    async def add_history_many(self, entries: Sequence[tuple[int, HistoryEntry]]) -> None: ...

    async def history(self, rec_id: int) -> list[HistoryEntry]: ...

    async def save_decision(
        self, rec: Recommendation, expected_version: int, at: datetime
    ) -> Recommendation:
        """Store the new status if the stored one is still at `expected_version`; Conflict
        otherwise."""
        ...

    async def page(
        self, view: Visibility, filters: RecommendationFilter, *, limit: int, offset: int
    ) -> RecommendationPage: ...

    async def find(self, view: Visibility, rec_id: int) -> Recommendation | None:
        """One recommendation if `view` shows it; None like a missing one."""
        ...

    async def engineers(self) -> list[int]:
        """The active Cloud Engineers' user ids."""
        ...

    async def add_import(self, new: NewImport) -> ImportRecord: ...

    async def imports(self, limit: int) -> list[ImportRecord]: ...


class ExportTable(Protocol):
    """An export's rows as text, as a reader found them."""

    @property
    def columns(self) -> tuple[str, ...]: ...

    @property
    def rows(self) -> Sequence[Mapping[str, object]]: ...

    @property
    def file_format(self) -> str: ...


class ExportReader(Protocol):
    """Reads Cost Optimization Hub exports (parquet or CSV); an unreadable file or one
    lacking a required column is a RuleViolation."""

    async def read_upload(self, data: bytes, filename: str) -> ExportTable: ...

    async def read_source(self, source: str) -> ExportTable:
        """Every export file of a file, a folder or an s3://bucket/prefix."""
        ...


class ResourceCostReader(Protocol):
    """A resource's cost per billing month, from the CUR store."""

    async def monthly_costs(
        self, account_id: str, resource_id: str, months: Sequence[str]
    ) -> dict[str, Decimal]:
        """The resource's cost in each of `months` the CUR has delivered (0 when it shows no
        cost that month); months not delivered are missing."""
        ...
