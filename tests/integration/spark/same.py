"""Run one input through both engines and compare everything they write."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import duckdb

from adapters.allocation.engine import AllocationResult, DuckDBAllocationEngine
from adapters.spark.allocation import SparkAllocationEngine
from domain.allocation.rules import AllocationRules, CostBasis
from domain.spend.models import DailyCostSource
from tests.integration.allocation.daily_files import multiset, read_lines


def summary_rows(path: Path) -> tuple[list[tuple[str, str]], list[tuple[Any, ...]]]:
    """The summary's schema and its rows, in file order."""
    con = duckdb.connect()
    try:
        rel = con.read_parquet(str(path))
        schema = [(name, str(kind)) for name, kind in zip(rel.columns, rel.types, strict=True)]
        return schema, rel.fetchall()
    finally:
        con.close()


def assert_same(
    spark: SparkAllocationEngine,
    duck: DuckDBAllocationEngine,
    source: DailyCostSource,
    rules: AllocationRules,
    *,
    basis: CostBasis,
    out: Path,
) -> AllocationResult:
    """Both engines, lines kept: the same summary (schema, rows, order), the same lines (as a
    multiset: neither engine orders them) and the same figures, to the last 1E-10."""
    by_duck = duck.allocate(source, rules, basis=basis, out_dir=out / "duckdb", keep_lines=True)
    by_spark = spark.allocate(source, rules, basis=basis, out_dir=out / "spark", keep_lines=True)
    assert by_duck.path is not None
    assert by_spark.path is not None
    assert summary_rows(by_spark.summary_path) == summary_rows(by_duck.summary_path)
    spark_lines = read_lines(by_spark.path)
    assert multiset(spark_lines) == multiset(read_lines(by_duck.path))
    assert all(line[-1].as_tuple().exponent == -10 for line in spark_lines)
    assert (
        dataclasses.replace(by_spark, path=by_duck.path, summary_path=by_duck.summary_path)
        == by_duck
    )
    return by_duck
