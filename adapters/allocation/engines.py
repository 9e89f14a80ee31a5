"""The allocation engine port as the adapters see it, and the choice of engine.

DuckDB (`engine.py`) is the embedded default; Spark (`adapters/spark/`) is the scale-out
implementation. Both write the same files (`summary.parquet`, `allocated.parquet`) and read
them back the same way, so nothing downstream knows which one ran.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Protocol

from adapters.allocation.engine import AllocationResult, DuckDBAllocationEngine, GroupBy, SpendKey
from adapters.spark.session import SparkConfig
from domain.allocation.rules import AllocationRules, CostBasis
from domain.spend.models import DailyCostSource

EngineName = Literal["duckdb", "spark"]


class AllocationEngine(Protocol):
    """Allocates one billing period into a folder, and sums allocated spend from folders."""

    @property
    def name(self) -> str: ...

    def allocate(
        self,
        source: DailyCostSource,
        rules: AllocationRules,
        *,
        basis: CostBasis = CostBasis.UNBLENDED,
        out_dir: Path,
        threads: int | None = None,
        keep_lines: bool = False,
    ) -> AllocationResult: ...

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query over result files (the dashboard's reads)."""
        ...

    def columns(self, sql: str, params: Sequence[Any] = ()) -> list[list[Any]]:
        """The columns of a read-only query's answer as Python lists."""
        ...

    def spend(
        self,
        paths: Sequence[str | Path],
        *,
        group_by: GroupBy,
        budget_ids: set[int] | frozenset[int] | None = None,
        include_unallocated: bool = False,
    ) -> list[tuple[SpendKey, Decimal]]: ...

    def close(self) -> None: ...


def build_allocation_engine(
    name: EngineName, *, spark: SparkConfig | None = None, temp_dir: Path | None = None
) -> AllocationEngine:
    """The engine called `name`; Spark's session starts at its first allocation."""
    if name == "spark":
        from adapters.spark.allocation import SparkAllocationEngine

        return SparkAllocationEngine(spark or SparkConfig(), temp_dir=temp_dir)
    return DuckDBAllocationEngine(temp_dir=temp_dir)
