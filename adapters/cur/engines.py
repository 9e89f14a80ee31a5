"""The refresh's engine seam: who runs the one pass over the CUR's line items.

A refresh is the pass (every line item read once and merged by day, account, resource,
service, line item type, invoice and currency: `aggregate.py`) followed by the cuts of each
period's files from the merged rows (`summaries.py`). The pass is the step that grows with the
CUR (billions of line items a year for a large organisation); the merged rows are a few
percent of it. So the engine port is the pass: DuckDB runs it in process (the default), Spark
(`adapters/spark/refresh.py`) next to the CUR. Either way the merged rows land in the
refresh's `spend_rows` table, and the same DuckDB statements finish them and write the period
files under the same staging folder and atomic manifest swap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Protocol

import duckdb

from adapters.cur.aggregate import ROWS, aggregate_select
from adapters.cur.formats import SourceFile, Unit
from adapters.cur.sql import blame

if TYPE_CHECKING:
    from adapters.spark.session import SparkConfig

EngineName = Literal["duckdb", "spark"]


class RefreshEngine(Protocol):
    """Merges one unit's line items into the refresh's `spend_rows` table."""

    @property
    def name(self) -> str:
        """Recorded per period in the manifest (`engine`)."""
        ...

    def merge(
        self, con: duckdb.DuckDBPyConnection, unit: Unit, wanted: frozenset[str] | None
    ) -> None:
        """INSERT the merged rows (`SPEND_ROW_COLUMNS`) of `unit` into `ROWS` on `con`;
        a file that cannot be read raises RuleViolation naming it."""
        ...


class DuckDBRefreshEngine:
    """The pass in process: one `INSERT INTO spend_rows SELECT ... GROUP BY` per unit."""

    @property
    def name(self) -> str:
        return "duckdb"

    def merge(
        self, con: duckdb.DuckDBPyConnection, unit: Unit, wanted: frozenset[str] | None
    ) -> None:
        def sql_for(files: Sequence[SourceFile]) -> str:
            return aggregate_select(
                unit.group, files=files, period=unit.period, unit=unit.index, periods=wanted
            )

        try:
            con.execute(f"INSERT INTO {ROWS} {sql_for(unit.files)}")
        except duckdb.Error as exc:
            raise blame(con, unit.files, lambda f: sql_for([f]), exc) from exc


def build_refresh_engine(name: EngineName, *, spark: SparkConfig | None = None) -> RefreshEngine:
    """The engine called `name`; Spark's session starts at its first refresh."""
    if name == "spark":
        from adapters.spark.refresh import SparkRefreshEngine
        from adapters.spark.session import SparkConfig

        return SparkRefreshEngine(spark or SparkConfig())
    return DuckDBRefreshEngine()
