"""The counts tables the engine keeps for incremental runs (`adapters/allocation/kept_counts.py`):
a table answers only for the file as it was written, one per file, bounded in rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from adapters.allocation.engine import COUNTS_FILE, DuckDBAllocationEngine
from adapters.allocation.kept_counts import KeptCounts
from domain.allocation.rules import AllocationRules, ClaimSpan
from tests.integration.allocation.daily_files import daily_source
from tests.unit.allocation.builders import ACCOUNT, a_row


@pytest.fixture
def engine() -> Iterator[DuckDBAllocationEngine]:
    with DuckDBAllocationEngine(threads=2, memory_limit="256MB") as engine:
        yield engine


def tables(engine: DuckDBAllocationEngine) -> set[str]:
    with engine._connection(None) as con:
        rows = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    return {r[0] for r in rows}


def kept_rows(engine: DuckDBAllocationEngine, counts: Path) -> list[tuple[object, ...]]:
    found = engine.kept.relation(counts)
    assert found is not None
    with engine._connection(None) as con:
        return sorted(con.execute(f"SELECT * FROM {found[0]}").fetchall(), key=repr)


def file_rows(counts: Path) -> list[tuple[object, ...]]:
    return sorted(duckdb.sql(f"SELECT * FROM read_parquet('{counts}')").fetchall(), key=repr)


RULES = AllocationRules([], [])
CLAIMED = AllocationRules([], [ClaimSpan(ACCOUNT, "i-1", 7, 70, date(2026, 3, 1))])


def test_a_full_run_keeps_its_counts_as_written(
    engine: DuckDBAllocationEngine, tmp_path: Path
) -> None:
    source = daily_source(tmp_path / "daily", [a_row(), a_row(resource_id="i-2")])
    engine.allocate(source, RULES, out_dir=tmp_path / "out")
    counts = tmp_path / "out" / COUNTS_FILE
    assert kept_rows(engine, counts) == file_rows(counts)
    found = engine.kept.relation(counts)
    assert found is not None
    assert found[1] == len(file_rows(counts))


def test_a_file_written_since_by_another_engine_is_read_from_disk(
    engine: DuckDBAllocationEngine, tmp_path: Path
) -> None:
    source = daily_source(tmp_path / "daily", [a_row(), a_row(resource_id="i-2")])
    out = tmp_path / "out"
    engine.allocate(source, RULES, out_dir=out)
    assert engine.kept.relation(out / COUNTS_FILE) is not None
    # another worker's full run replaces the file under this engine
    with DuckDBAllocationEngine(threads=2, memory_limit="256MB") as other:
        other.allocate(source, CLAIMED, out_dir=out)
    assert engine.kept.relation(out / COUNTS_FILE) is None
    # and loading it again keeps the new file's rows
    with engine._connection(None) as con:
        engine.kept.load(con, out / COUNTS_FILE)
    assert kept_rows(engine, out / COUNTS_FILE) == file_rows(out / COUNTS_FILE)


def test_one_table_per_file_and_the_bound_in_rows(
    engine: DuckDBAllocationEngine, tmp_path: Path
) -> None:
    source = daily_source(tmp_path / "daily", [a_row()])
    engine.allocate(source, RULES, out_dir=tmp_path / "a")
    engine.allocate(source, CLAIMED, out_dir=tmp_path / "a")
    kept = [t for t in tables(engine) if t.startswith("kept_counts_")]
    # the second run superseded the first's table: dropped
    assert len(kept) == 1
    rows = engine.kept.relation(tmp_path / "a" / COUNTS_FILE)
    assert rows is not None
    # room for one folder's rows only: keeping another evicts the least recently used
    engine.kept = KeptCounts(max_rows=rows[1])
    with engine._connection(None) as con:
        engine.kept.load(con, tmp_path / "a" / COUNTS_FILE)
    engine.allocate(source, RULES, out_dir=tmp_path / "b")
    assert engine.kept.relation(tmp_path / "a" / COUNTS_FILE) is None
    assert engine.kept.relation(tmp_path / "b" / COUNTS_FILE) is not None


def test_a_run_on_a_database_of_its_own_keeps_nothing(
    engine: DuckDBAllocationEngine, tmp_path: Path
) -> None:
    source = daily_source(tmp_path / "daily", [a_row()])
    engine.allocate(source, RULES, out_dir=tmp_path / "out", threads=1)
    assert engine.kept.relation(tmp_path / "out" / COUNTS_FILE) is None


def test_a_closed_engine_forgets_its_tables(engine: DuckDBAllocationEngine, tmp_path: Path) -> None:
    source = daily_source(tmp_path / "daily", [a_row()])
    engine.allocate(source, RULES, out_dir=tmp_path / "out")
    engine.close()
    # the database went with its tables; the next run opens a new one
    assert engine.kept.relation(tmp_path / "out" / COUNTS_FILE) is None
    engine.allocate(source, CLAIMED, out_dir=tmp_path / "out")
    assert kept_rows(engine, tmp_path / "out" / COUNTS_FILE) == file_rows(
        tmp_path / "out" / COUNTS_FILE
    )
