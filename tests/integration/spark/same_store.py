"""Refresh one CUR through both engines and compare everything the stores materialize."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from adapters.cur.manifest import ManifestFile, PeriodEntry
from adapters.cur.store import CurStore
from domain.spend.models import BillingPeriod

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
PERIOD_FILES = ("daily.parquet", "resources.parquet", "accounts.parquet", "invoices.parquet")
# rows in no set order (daily: within an account and day): compared as sorted rows (the
# others in file order)
UNORDERED = frozenset({"daily.parquet", "resources.parquet"})


def parquet_rows(path: Path, *, ordered: bool) -> tuple[list[tuple[str, str]], list[Any]]:
    """A parquet file's schema and rows (file order, or sorted by their text)."""
    con = duckdb.connect()
    try:
        rel = con.read_parquet(str(path))
        schema = [(name, str(kind)) for name, kind in zip(rel.columns, rel.types, strict=True)]
        rows = rel.fetchall()
        return schema, rows if ordered else sorted(rows, key=repr)
    finally:
        con.close()


def _comparable(entry: PeriodEntry) -> PeriodEntry:
    """A manifest entry without what names the refresh (folder, time, engine)."""
    return dataclasses.replace(entry, folder="", refreshed_at=EPOCH, engine="")


def assert_same_store(
    spark: tuple[CurStore, Path], duck: tuple[CurStore, Path], source: str, **refresh: Any
) -> list[BillingPeriod]:
    """Both stores refresh `source`: the same periods and figures, and each period's files
    with the same schema and rows (DECIMAL(20,10) compared exactly); the manifest names the
    engine of each period."""
    (spark_store, spark_dir), (duck_store, duck_dir) = spark, duck
    by_duck = duck_store.refresh(source, **refresh)
    by_spark = spark_store.refresh(source, **refresh)
    assert [dataclasses.replace(p, refreshed_at=EPOCH, engine="") for p in by_spark] == [
        dataclasses.replace(p, refreshed_at=EPOCH, engine="") for p in by_duck
    ]
    assert {p.engine for p in by_spark} == {"spark"}
    assert {p.engine for p in by_duck} == {"duckdb"}
    duck_manifest = ManifestFile(duck_dir / "manifest.json").load()
    spark_manifest = ManifestFile(spark_dir / "manifest.json").load()
    for p in by_duck:
        d, s = duck_manifest.periods[p.period], spark_manifest.periods[p.period]
        assert _comparable(s) == _comparable(d)
        for name in PERIOD_FILES:
            ordered = name not in UNORDERED
            assert parquet_rows(spark_dir / s.folder / name, ordered=ordered) == parquet_rows(
                duck_dir / d.folder / name, ordered=ordered
            ), f"{p.period}/{name}"
    return by_duck
