"""Fixtures for the CUR spend store: generated CUR 2.0 months, and the team's public samples."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from adapters.cur.generator import generate_cur
from adapters.cur.store import CurStore

PUBLIC_DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "public"


@pytest.fixture(scope="session")
def public_data() -> Path:
    """The public billing samples (read in place, never copied into the repo)."""
    if not PUBLIC_DATA.is_dir():
        pytest.skip(
            "../shared/data not present: public billing samples are only on the team's machines"
        )
    return PUBLIC_DATA.resolve()


@pytest.fixture(scope="session")
def generated_cur(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three months of CUR 2.0 (2026-01 and 2026-02 final, 2026-03 open). Never modify it."""
    out = tmp_path_factory.mktemp("cur2")
    generate_cur(out, rows=30_000, accounts=9, resources=400, months=3, seed=7, rows_per_file=6_000)
    return out


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CurStore]:
    with CurStore(tmp_path / "store", threads=2, memory_limit="500MB") as s:
        yield s


@pytest.fixture(autouse=True)
def _finish_default_connection() -> Iterator[None]:
    """Tests read parquet through DuckDB's module-level connection (`duckdb.execute`); a
    `fetchone()` leaves its result open, and DuckDB 2 then refuses the next statement on that
    connection in the same process (another package's tests, under xdist). Drop it after each
    test."""
    yield
    duckdb.default_connection().abort()
