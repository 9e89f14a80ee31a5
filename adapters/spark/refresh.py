"""The refresh's pass on Spark: the CUR's line items read where they lie and merged there.

`SparkRefreshEngine.merge` reads one unit's files as a DataFrame (parquet by name, CSV with
every column as text, exactly as DuckDB's scan reads them), runs the grouped half of the pass
(`aggregate.aggregate_pass(...).grouped`: the per-line-item work and the GROUP BY, written
once in DuckDB's dialect and rendered for Spark by sqlglot) and brings the merged rows back as
Arrow (a few percent of the line items). DuckDB finishes them with the very statement its own
pass uses (`MergePass.finish`) into the refresh's `spend_rows`; the period files, the staging
folder and the manifest swap are the store's, unchanged.

Engine-specific here: reading the files, and DuckDB's text of a MAP column (the pass keeps the
largest tag map text per merged row, so both engines must write the same text; see
`duckdb_map_text`).
"""

from __future__ import annotations

import re
import threading
import uuid
from typing import TYPE_CHECKING

import duckdb
from sqlglot import exp

from adapters.cur.aggregate import ROWS, aggregate_pass
from adapters.cur.formats import FileGroup, SourceFile, Unit
from adapters.cur.sql import first_line, violation
from adapters.spark.dialect import to_spark
from adapters.spark.session import SparkConfig, spark_session

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

_MAP_TEXT = "finops_map_text"
_MONEY = "finops_money"
# DuckDB quotes a map key or value that is empty, is NULL in any case, starts or ends with
# white space, or holds one of these characters; inside the quotes ' and \ are escaped.
_NEEDS_QUOTES = r"""^\s|\s$|["'(),:=\[\]{}\\]"""


def _spark_literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _quoted(value: str) -> str:
    """Spark SQL: a map key or value as DuckDB writes it inside a map's text."""
    escaped = (
        f"replace(replace({value}, char(92), char(92) || char(92)), char(39), char(92) || char(39))"
    )
    return (
        f"CASE WHEN {value} = '' OR upper({value}) = 'NULL' "
        f"OR {value} RLIKE {_spark_literal(_NEEDS_QUOTES)} "
        f"THEN char(39) || {escaped} || char(39) ELSE {value} END"
    )


def duckdb_map_text(column: str) -> str:
    """Spark SQL giving `CAST(column AS VARCHAR)` as DuckDB writes it for a MAP(VARCHAR,
    VARCHAR): `{k=v, k2=NULL}`, entries in the map's order, keys and values quoted when
    DuckDB quotes them (measured against DuckDB for every ASCII character)."""
    entry = f"{_quoted('e.key')} || '=' || coalesce({_quoted('e.value')}, 'NULL')"
    return f"'{{' || array_join(transform(map_entries({column}), e -> {entry}), ', ') || '}}'"


def duckdb_money(column: str) -> str:
    """Spark SQL giving `CAST(column AS DECIMAL(20,10))` of a DOUBLE as DuckDB computes it:
    the double times 1E10, rounded half away from zero, that integer exactly (Spark's own
    cast goes through the double's shortest decimal text, which differs in the last digit for
    about 7 % of random doubles). The integer is split at 2^32 so that no step is inexact."""
    scaled = f"round(CAST({column} AS DOUBLE) * CAST(10000000000 AS DOUBLE))"
    two32 = "CAST(4294967296 AS DOUBLE)"
    high = f"CAST({scaled} / {two32} AS BIGINT)"
    low = f"CAST({scaled} - CAST({high} AS DOUBLE) * {two32} AS BIGINT)"
    units = (
        f"(CAST({high} AS DECIMAL(20,0)) * CAST(4294967296 AS DECIMAL(10,0)) "
        f"+ CAST({low} AS DECIMAL(20,0)))"
    )
    return f"CAST({units} * 0.0000000001 AS DECIMAL(20,10))"


_IDENT = r"(`[^`]*(?:``[^`]*)*`)"


def render(grouped: str, view: str, doubles: frozenset[str]) -> str:
    """The grouped half of the pass (DuckDB's dialect) as Spark SQL; `doubles` are the
    DOUBLE/FLOAT columns, whose casts to MONEY follow DuckDB's arithmetic."""

    def money(node: exp.Expression) -> exp.Expression:
        if (
            isinstance(node, exp.Cast)
            and isinstance(node.this, exp.Column)
            and node.this.name in doubles
            and node.to.is_type(exp.DataType.Type.DECIMAL)
        ):
            return exp.Anonymous(this=_MONEY, expressions=[node.this])
        return node

    spark_sql = to_spark(grouped, transform=money)
    # the placeholder functions become Spark's rendering of DuckDB's arithmetic and text
    spark_sql = re.sub(
        rf"{_MONEY}\({_IDENT}\)",
        lambda m: duckdb_money(m.group(1)),
        spark_sql,
        flags=re.IGNORECASE,
    )
    spark_sql = re.sub(
        rf"{_MAP_TEXT}\({_IDENT}\)",
        lambda m: duckdb_map_text(m.group(1)),
        spark_sql,
        flags=re.IGNORECASE,
    )
    return spark_sql.replace(f"`{view}`", view)


def read_files(spark: SparkSession, group: FileGroup, files: list[SourceFile]) -> DataFrame:
    """The files as DuckDB's scan reads them: parquet by column name, CSV all text."""
    paths = [spark_path(f) for f in files]
    if group.kind == "parquet":
        return (
            spark.read.option("mergeSchema", "true")
            .option("recursiveFileLookup", "false")
            .parquet(*paths)
        )
    from pyspark.sql.types import StringType, StructField, StructType

    header = files[0].csv_header
    schema = StructType([StructField(h, StringType(), True) for h in header])
    reader = (
        spark.read.schema(schema)
        .option("header", "true")
        .option("quote", '"')
        .option("escape", '"')
        .option("multiLine", "true")
        # a row shorter than the header gets NULLs, as DuckDB's null_padding does (koku's
        # test_cur.csv has such rows)
        .option("mode", "PERMISSIVE")
    )
    if group.format.startswith("focus"):
        # DuckDB reads FOCUS's 'NULL' as NULL; '' and NULL are alike downstream
        reader = reader.option("nullValue", "NULL")
    return reader.csv(paths)


def spark_path(f: SourceFile) -> str:
    """Where Spark reads the file: its URI when it lies in object storage (`s3a://`), else the
    local path (the same on the driver and executors in local mode or on a shared mount)."""
    return str(getattr(f, "uri", None) or f.path)


class SparkRefreshEngine:
    """Runs the refresh's pass on Spark; DuckDB finishes the merged rows."""

    def __init__(self, config: SparkConfig) -> None:
        self.config = config
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return "spark"

    def merge(
        self, con: duckdb.DuckDBPyConnection, unit: Unit, wanted: frozenset[str] | None
    ) -> None:
        token = uuid.uuid4().hex[:12]
        view = f"cur_{token}"
        merge = aggregate_pass(
            unit.group,
            period=unit.period,
            unit=unit.index,
            periods=wanted,
            scan=view,
            map_text=lambda column: f"{_MAP_TEXT}({column})",
        )
        spark = spark_session(self.config)
        try:
            read_files(spark, unit.group, unit.files).createOrReplaceTempView(view)
            doubles = frozenset(
                n for n, t in unit.group.columns.items() if t.upper() in ("DOUBLE", "FLOAT", "REAL")
            )
            grouped = spark.sql(render(merge.grouped, view, doubles)).toArrow()
        except Exception as exc:  # Spark's errors come from the JVM (or the Connect server)
            names = ", ".join(f.name for f in unit.files)
            raise violation(names, f"Spark could not read the file(s): {first_line(exc)}") from exc
        finally:
            spark.catalog.dropTempView(view)
        name = f"grouped_{token}"
        con.register(name, grouped)
        try:
            con.execute(f"INSERT INTO {ROWS} {merge.over(name)}")
        finally:
            con.unregister(name)
