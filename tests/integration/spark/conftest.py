"""One local SparkSession for the whole test session (`local[2]`), and the engines to compare.

Spark needs pyspark (`pip install '.[spark]'`) and a Java runtime: without them these tests
skip, saying which is missing, except under CI=true, where they must run. Every Spark test is
in the `spark` xdist group (`--dist loadgroup`), so one worker starts one JVM.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from adapters.allocation.engine import AllocationResult, DuckDBAllocationEngine
from adapters.spark.session import SparkConfig, missing_requirement

if TYPE_CHECKING:
    from adapters.spark.allocation import SparkAllocationEngine

# same(source, rules, *, basis, out) -> the DuckDB run's result
SameOnBoth = Callable[..., AllocationResult]
IN_CI = os.environ.get("CI", "").lower() == "true"
# The tests' JVM: C1 only and the serial collector, as for any short-lived JVM (a test run is
# minutes, not the hours C2's slower compilation pays back in): less CPU on a small machine.
# JVM flags only: what Spark computes, and how, is the product's own settings.
SPARK_CONF = {"spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"}
TEST_SPARK = SparkConfig(master="local[2]", conf=SPARK_CONF)


@pytest.fixture(scope="session")
def spark_engine() -> Iterator[SparkAllocationEngine]:
    reason = missing_requirement()
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI=true but the Spark exact-match tests cannot run: {reason}")
        pytest.skip(f"Spark engine not testable here: {reason}")
    from adapters.spark.allocation import SparkAllocationEngine

    with SparkAllocationEngine(TEST_SPARK) as engine:
        yield engine


@pytest.fixture(scope="session")
def duckdb_engine() -> Iterator[DuckDBAllocationEngine]:
    with DuckDBAllocationEngine(threads=2, memory_limit="512MB") as engine:
        yield engine


@pytest.fixture(scope="session")
def same(spark_engine: SparkAllocationEngine, duckdb_engine: DuckDBAllocationEngine) -> SameOnBoth:
    """`same(source, rules, basis=..., out=...)`: both engines, everything they write compared
    (see `same.py`); imported once Spark is known to be there."""
    from tests.integration.spark.same import assert_same

    return functools.partial(assert_same, spark_engine, duckdb_engine)
