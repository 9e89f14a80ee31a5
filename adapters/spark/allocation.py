"""The allocation engine on Spark: the same statement as DuckDB's, the same files.

`SparkAllocationEngine.allocate` runs `adapters/allocation/sql.py`'s `window` formulation (the
portable one: standard SQL, remainders ranked by `ROW_NUMBER()`), rendered for Spark by
`dialect.to_spark`, over the period's daily parquet files, and writes what the DuckDB engine
writes: `summary.parquet` (same columns, types and order; the dashboard reads it with DuckDB)
and, when asked, the line-level `allocated.parquet` (one file). Each is written under a
temporary name and renamed into place, and the run's figures are checked for conservation
exactly as DuckDB's are. Reads (`spend`) stay on DuckDB: they only touch the small summaries.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from adapters.allocation.engine import (
    ALLOCATED_FILE,
    SUMMARY_FILE,
    AllocationError,
    AllocationResult,
    DuckDBAllocationEngine,
    GroupBy,
    SpendKey,
)
from adapters.allocation.sql import (
    SUMMARY_COLUMNS,
    TOTAL,
    allocation_sql,
    in_list,
    rule_tables,
    summary_sql,
)
from adapters.allocation.summary_files import remove_deltas
from adapters.spark.dialect import to_spark
from adapters.spark.session import SparkConfig, spark_session
from domain.allocation.rules import EXCLUDED_TYPES, NEGOTIATED_DISCOUNT, AllocationRules, CostBasis
from domain.errors import ErrorDetail, RuleViolation
from domain.spend.models import DailyCostSource

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

MONEY_SUM = pa.decimal128(38, 10)
SUMMARY_SCHEMA = pa.schema(
    [
        ("dimension", pa.string()),
        ("budget_id", pa.int64()),
        ("usage_date", pa.date32()),
        ("account_id", pa.string()),
        ("service", pa.string()),
        ("line_item_type", pa.string()),
        ("amount", MONEY_SUM),
    ]
)
RULE_TABLES = ("rule_versions", "rule_lines", "rule_claims", "rule_discounts")


class SparkAllocationEngine:
    """Allocates billing periods on Spark; answers spend questions with DuckDB."""

    def __init__(self, config: SparkConfig, *, temp_dir: Path | None = None) -> None:
        self.config = config
        self._reads = DuckDBAllocationEngine(temp_dir=temp_dir)
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return "spark"

    def close(self) -> None:
        self._reads.close()

    def __enter__(self) -> SparkAllocationEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def spend(
        self,
        paths: Sequence[str | Path],
        *,
        group_by: GroupBy,
        budget_ids: set[int] | frozenset[int] | None = None,
        include_unallocated: bool = False,
    ) -> list[tuple[SpendKey, Decimal]]:
        return self._reads.spend(
            paths, group_by=group_by, budget_ids=budget_ids, include_unallocated=include_unallocated
        )

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._reads.query(sql, params)

    def columns(self, sql: str, params: Sequence[Any] = ()) -> list[list[Any]]:
        return self._reads.columns(sql, params)

    def allocate(
        self,
        source: DailyCostSource,
        rules: AllocationRules,
        *,
        basis: CostBasis = CostBasis.UNBLENDED,
        out_dir: Path,
        threads: int | None = None,
        keep_lines: bool = False,
    ) -> AllocationResult:
        """As `DuckDBAllocationEngine.allocate` (`threads` is the cluster's business here)."""
        del threads
        rules.validate()
        basis = CostBasis(basis)
        if not source.daily_paths:
            raise RuleViolation(
                f"billing period {source.period} has no daily cost file",
                errors=[ErrorDetail(message="no daily cost file", field="source")],
            )
        spark = spark_session(self.config)
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        token = uuid.uuid4().hex[:12]
        views = {name: f"{name}_{token}" for name in (*RULE_TABLES, "daily_costs")}
        allocated_tmp = out_dir / f".{ALLOCATED_FILE}.{token}.tmp"
        lines_dir = out_dir / f".lines.{token}.tmp"
        summary_tmp = out_dir / f".{SUMMARY_FILE}.{token}.tmp"
        try:
            for name, table in rule_tables(rules).items():
                _frame(spark, table).createOrReplaceTempView(views[name])
            _daily(spark, sorted(source.daily_paths)).createOrReplaceTempView(views["daily_costs"])
            lines = spark.sql(
                to_spark(
                    allocation_sql(
                        "daily_costs src",
                        basis=basis,
                        with_discounts=bool(rules.discounts),
                        method="window",
                    ),
                    views,
                )
            )
            if keep_lines:
                lines.coalesce(1).write.parquet(str(lines_dir))
                # the summary from the written lines, as DuckDB's engine does: not computed twice
                summary = _summary(spark, spark.read.parquet(str(lines_dir)), token)
                _single_file(lines_dir, allocated_tmp)
            else:
                summary = _summary(spark, lines, token)
            pq.write_table(summary.drop_columns(["line_count"]), summary_tmp)
            figures = _figures(spark, summary, views["daily_costs"], basis)
            result = AllocationResult(
                period=source.period,
                basis=basis,
                path=out_dir / ALLOCATED_FILE if keep_lines else None,
                summary_path=out_dir / SUMMARY_FILE,
                **figures,
            )
            if result.allocated + result.unallocated != result.total:
                raise AllocationError(
                    f"allocation of {source.period} does not conserve spend: allocated "
                    f"{result.allocated} + unallocated {result.unallocated} != total "
                    f"{result.total}"
                )
            for tmp in (allocated_tmp, summary_tmp) if keep_lines else (summary_tmp,):
                _fsync(tmp)
            os.replace(summary_tmp, result.summary_path)
            remove_deltas(out_dir)  # an incremental run's delta applied to the old summary
            if result.path is not None:
                os.replace(allocated_tmp, result.path)
            else:
                (out_dir / ALLOCATED_FILE).unlink(missing_ok=True)
            _fsync(out_dir)
        finally:
            for view in views.values():
                spark.catalog.dropTempView(view)
            shutil.rmtree(lines_dir, ignore_errors=True)
            for tmp in (allocated_tmp, summary_tmp):
                tmp.unlink(missing_ok=True)
        return result


def _daily(spark: SparkSession, paths: Sequence[str]) -> DataFrame:
    """The daily rows with `src_id`, unique per row (the window partitions by it)."""
    from pyspark.sql import functions as F

    return spark.read.parquet(*paths).withColumn("src_id", F.monotonically_increasing_id())


def _frame(spark: SparkSession, table: pa.Table) -> DataFrame:
    """A small Arrow table (the rules) as a DataFrame with the same column types."""
    from pyspark.sql import types as T

    def spark_type(t: pa.DataType) -> Any:
        if pa.types.is_string(t):
            return T.StringType()
        if pa.types.is_date32(t):
            return T.DateType()
        if pa.types.is_int64(t):
            return T.LongType()
        if pa.types.is_int32(t):
            return T.IntegerType()
        if pa.types.is_decimal(t):
            return T.DecimalType(t.precision, t.scale)
        if pa.types.is_list(t):
            return T.ArrayType(spark_type(t.value_type))
        raise TypeError(f"no Spark type for {t}")

    schema = T.StructType([T.StructField(f.name, spark_type(f.type), True) for f in table.schema])
    rows = [tuple(row[f.name] for f in table.schema) for row in table.to_pylist()]
    return spark.createDataFrame(rows, schema)


def _summary(spark: SparkSession, lines: DataFrame, token: str) -> pa.Table:
    """The summary rows (sorted, with `line_count`), collected: a few rows per budget and day."""
    view = f"allocated_lines_{token}"
    lines.createOrReplaceTempView(view)
    try:
        rows = spark.sql(to_spark(summary_sql(view, with_count=True))).collect()
    finally:
        spark.catalog.dropTempView(view)
    columns = {name: [row[name] for row in rows] for name in (*SUMMARY_COLUMNS, "line_count")}
    table = pa.table(
        {name: pa.array(columns[name], SUMMARY_SCHEMA.field(name).type) for name in SUMMARY_COLUMNS}
    )
    return table.append_column("line_count", pa.array(columns["line_count"], pa.int64()))


def _figures(
    spark: SparkSession, summary: pa.Table, daily_view: str, basis: CostBasis
) -> dict[str, Any]:
    """The run's totals, as `adapters/allocation/engine.py` computes them: the lines' from the
    summary's `type` rows, the total summed straight from the daily files."""
    allocated = unallocated = negotiated = Decimal("0E-10")
    count = 0
    for dimension, budget, kind, amount, n in zip(
        summary["dimension"].to_pylist(),
        summary["budget_id"].to_pylist(),
        summary["line_item_type"].to_pylist(),
        summary["amount"].to_pylist(),
        summary["line_count"].to_pylist(),
        strict=True,
    ):
        if dimension != "type":
            continue
        count += n
        if budget is None:
            unallocated += amount
        else:
            allocated += amount
        if kind == NEGOTIATED_DISCOUNT:
            negotiated += amount
    excluded = in_list(EXCLUDED_TYPES)
    cost = f"CAST({basis.column} AS {TOTAL})"
    row = spark.sql(
        to_spark(
            f"""
            SELECT CAST(COALESCE(SUM({cost}) FILTER (
                       WHERE COALESCE(line_item_type, '') NOT IN ({excluded})), 0) AS {TOTAL}),
                   CAST(COALESCE(SUM({cost}) FILTER (
                       WHERE line_item_type IN ({excluded})), 0) AS {TOTAL})
            FROM {daily_view}
            """
        )
    ).collect()[0]
    spend, excluded_sum = Decimal(row[0]), Decimal(row[1])
    return {
        "total": spend + negotiated,
        "allocated": allocated,
        "unallocated": unallocated,
        "excluded": excluded_sum,
        "negotiated_discount": negotiated,
        "rows": count,
    }


def _single_file(folder: Path, target: Path) -> None:
    """Spark wrote `folder/part-*.parquet` (one, coalesced): move it to `target`."""
    parts = sorted(folder.glob("part-*.parquet"))
    if len(parts) != 1:
        raise AllocationError(f"expected one part file in {folder}, found {len(parts)}")
    os.replace(parts[0], target)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
