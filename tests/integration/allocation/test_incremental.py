"""Incremental re-allocation equals a full recompute exactly, over random rule changes: some
accounts remapped, some resources claimed, released or re-claimed, in a chain of changes,
on both SQL formulations of the split; and `AllocatedSpend` patches only what it may."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from adapters.allocation import incremental
from adapters.allocation.engine import COUNTS_FILE, SUMMARY_FILE, DuckDBAllocationEngine
from adapters.allocation.kept_counts import KeptCounts
from adapters.allocation.sql import SUMMARY_ORDER, SplitMethod
from adapters.allocation.summary_files import (
    DELTA_PREFIX,
    counts_from,
    current_delta,
    summary_from,
)
from domain.allocation.reference import CostRow
from domain.allocation.rules import AllocationRules, CostBasis, NegotiatedDiscount
from domain.errors import RuleViolation
from tests.integration.allocation.daily_files import daily_source
from tests.unit.allocation.builders import a_row, bases, cost_rows, rules


@pytest.fixture(scope="module", params=["arrays", "window"])
def engine(request: pytest.FixtureRequest) -> Iterator[DuckDBAllocationEngine]:
    method: SplitMethod = request.param
    with DuckDBAllocationEngine(threads=2, memory_limit="256MB", method=method) as engine:
        yield engine


@st.composite
def changed(draw: st.DrawFn, old: AllocationRules) -> AllocationRules:
    """`old` with some accounts' splits and some resources' claims taken from another random
    rule set (splits are per account and claims per resource, so the mix stays valid)."""
    other = draw(rules)
    accounts = {s.account_id for s in (*old.splits, *other.splits)}
    remapped = draw(st.sets(st.sampled_from(sorted(accounts)))) if accounts else set()
    pairs = {(c.account_id, c.resource_id) for c in (*old.claims, *other.claims)}
    reclaimed = draw(st.sets(st.sampled_from(sorted(pairs)))) if pairs else set()
    return AllocationRules(
        [s for s in old.splits if s.account_id not in remapped]
        + [s for s in other.splits if s.account_id in remapped],
        [c for c in old.claims if (c.account_id, c.resource_id) not in reclaimed]
        + [c for c in other.claims if (c.account_id, c.resource_id) in reclaimed],
        old.discounts,
    )


@st.composite
def chains(draw: st.DrawFn) -> list[AllocationRules]:
    first = draw(rules)
    chain = [first]
    for _ in range(draw(st.integers(1, 3))):
        chain.append(draw(changed(chain[-1])))
    return chain


def rows_of(path: Path) -> list[tuple[object, ...]]:
    return duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall()


def seen(folder: Path) -> list[tuple[object, ...]]:
    """The summary rows as every reader sees them: the base merged with its delta."""
    relation = summary_from([folder / SUMMARY_FILE])
    return duckdb.sql(f"SELECT * FROM {relation} ORDER BY {SUMMARY_ORDER}").fetchall()


def seen_counts(folder: Path) -> list[tuple[object, ...]]:
    return sorted(duckdb.sql(f"SELECT * FROM {counts_from(folder)}").fetchall(), key=repr)


@pytest.fixture(params=["delta", "compact_each_time"])
def compaction(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """`delta`: the changes pile up in the delta file (compacted at the end of the chain);
    `compact_each_time`: every change folds the delta into the base."""
    if request.param == "compact_each_time":
        monkeypatch.setattr(incremental, "COMPACT_MIN_ROWS", -1)
        monkeypatch.setattr(incremental, "COMPACT_SHARE", 0.0)
    else:
        monkeypatch.setattr(incremental, "COMPACT_MIN_ROWS", 10**9)
    return str(request.param)


class TestIncrementalEqualsFull:
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        rows=cost_rows(max_size=60),
        chain=chains(),
        basis=bases,
        remember=st.booleans(),
        keep=st.booleans(),
    )
    def test_a_chain_of_changes_patched_equals_full_runs(
        self,
        engine: DuckDBAllocationEngine,
        compaction: str,
        rows: list[CostRow],
        chain: list[AllocationRules],
        basis: CostBasis,
        remember: bool,
        keep: bool,
    ) -> None:
        # the engine keeps the counts tables it writes (`kept_counts.py`), or none: then each
        # change reads the counts file
        engine.kept = KeptCounts() if keep else KeptCounts(max_rows=-1)
        try:
            for r in chain:
                r.validate()
        except RuleViolation:
            assume(False)
        with tempfile.TemporaryDirectory() as tmp:
            source = daily_source(Path(tmp) / "daily", rows, files=2)
            patched_dir, full_dir = Path(tmp) / "patched", Path(tmp) / "full"
            first = engine.allocate(source, chain[0], basis=basis, out_dir=patched_dir)
            if remember:
                # the service keeps the full run's figures: each change adds its own
                incremental.remember_run(engine, patched_dir, first)
            # indexed by account as the service keeps the applied rules: each change carries
            # the index over to the next set (`AllocationRules.indexed_from`)
            chain[0].by_account()
            for old, new in zip(chain, chain[1:], strict=False):
                patched = incremental.reallocate(
                    engine, source, old, new, basis=basis, out_dir=patched_dir
                )
                full = engine.allocate(source, new, basis=basis, out_dir=full_dir)
                assert patched is not None
                assert dataclasses.replace(patched, summary_path=full.summary_path) == full
                # what every reader sees (base merged with the delta) is the full run's
                assert seen(patched_dir) == rows_of(full_dir / SUMMARY_FILE)
                assert seen_counts(patched_dir) == sorted(rows_of(full_dir / COUNTS_FILE), key=repr)
                if compaction == "compact_each_time":
                    assert current_delta(patched_dir / SUMMARY_FILE) is None
                    self.assert_same_files(patched_dir, full_dir)
            base = rows_of(patched_dir / SUMMARY_FILE)
            if compaction == "delta" and base != rows_of(full_dir / SUMMARY_FILE):
                # the base was left as the first full run wrote it: the delta carries the rest
                assert current_delta(patched_dir / SUMMARY_FILE) is not None
            incremental.compact(engine, patched_dir)
            assert current_delta(patched_dir / SUMMARY_FILE) is None
            assert not list(patched_dir.glob(f"{DELTA_PREFIX}*"))
            self.assert_same_files(patched_dir, full_dir)
            # a full run over a folder with a delta leaves no delta behind
            engine.allocate(source, chain[0], basis=basis, out_dir=full_dir)
            assert not list(full_dir.glob(f"{DELTA_PREFIX}*"))

    @staticmethod
    def assert_same_files(patched_dir: Path, full_dir: Path) -> None:
        assert (patched_dir / SUMMARY_FILE).read_bytes() == (full_dir / SUMMARY_FILE).read_bytes()
        assert sorted(rows_of(patched_dir / COUNTS_FILE), key=repr) == sorted(
            rows_of(full_dir / COUNTS_FILE), key=repr
        )

    def test_a_change_of_the_discounts_asks_for_a_full_run(
        self, engine: DuckDBAllocationEngine, tmp_path: Path
    ) -> None:
        source = daily_source(tmp_path / "daily", [a_row()])
        old = AllocationRules([], [])
        engine.allocate(source, old, out_dir=tmp_path / "out")
        new = AllocationRules([], [], [NegotiatedDiscount(Decimal("5.00"), date(2026, 1, 1))])
        out = tmp_path / "out"
        assert (
            incremental.reallocate(engine, source, old, new, basis=CostBasis.UNBLENDED, out_dir=out)
            is None
        )
