"""Materialized allocations when several server workers share the data folder."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from adapters.allocation import incremental
from adapters.allocation.materialized import AllocatedSpend
from adapters.allocation.summary_files import current_delta
from adapters.cur.generator import generate_cur
from adapters.cur.store import CurStore
from domain.allocation.rules import AllocationRules, SplitLine


@pytest.fixture
def allocated(tmp_path: Path) -> Iterator[AllocatedSpend]:
    source = tmp_path / "cur"
    generate_cur(source, rows=2_000, accounts=3, resources=20, months=1, start="2026-03")
    with CurStore(tmp_path / "store", threads=1, memory_limit="200MB") as cur:
        cur.refresh(str(source))
        spend = AllocatedSpend(cur, tmp_path / "allocations")
        try:
            yield spend
        finally:
            spend.close()


def held_by_another_process(lock_path: Path) -> bool:
    """Whether another open file (as another worker's would be) can take the lock now."""
    with open(lock_path, "a+") as other:
        try:
            fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)
        return False


class TestRecomputeAcrossWorkers:
    def test_a_recompute_holds_the_folder_lock_while_it_writes(
        self, allocated: AllocatedSpend, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        seen: list[bool] = []
        allocate = allocated.engine.allocate

        def observed(*args: Any, **kwargs: Any) -> Any:
            seen.append(held_by_another_process(allocated.root / ".lock"))
            return allocate(*args, **kwargs)

        monkeypatch.setattr(allocated.engine, "allocate", observed)
        done = allocated.ensure(["2026-03"], AllocationRules((), ()), rules_version=1)

        assert seen == [True]
        assert (done[0].folder / "meta.json").is_file()
        assert not held_by_another_process(allocated.root / ".lock")
        assert allocated.fresh(["2026-03"], rules_version=1) == []


class TestIncrementalAfterARuleChange:
    """A rule change patches the summary this process wrote; a restart recomputes in full."""

    def test_a_remap_is_patched_then_a_restart_recomputes(
        self, allocated: AllocatedSpend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        full_runs: list[int] = []
        allocate = allocated.engine.allocate

        def counted(*args: Any, **kwargs: Any) -> Any:
            full_runs.append(1)
            return allocate(*args, **kwargs)

        monkeypatch.setattr(allocated.engine, "allocate", counted)
        [first] = allocated.ensure(["2026-03"], AllocationRules((), ()), rules_version=1)
        spend = allocated.engine.spend([first.folder], group_by="account", include_unallocated=True)
        account = str(spend[0][0])
        remapped = AllocationRules([SplitLine(account, 7, Decimal("100.00"), date(2026, 3, 9))], ())
        [patched] = allocated.ensure(["2026-03"], remapped, rules_version=2)

        assert len(full_runs) == 1  # the remap was patched, not recomputed
        by_budget = dict(allocated.engine.spend([patched.folder], group_by="budget"))
        assert by_budget[7] > 0
        fresh = AllocatedSpend(allocated.cur, tmp_path / "elsewhere")
        try:
            [full] = fresh.ensure(["2026-03"], remapped, rules_version=2)
        finally:
            fresh.close()
        # the patch wrote a delta next to the first run's summary; every reader merges it
        assert current_delta(patched.folder / "summary.parquet") is not None
        for group_by in ("budget", "account", "service", "day", "type"):
            assert allocated.engine.spend(
                [patched.folder], group_by=group_by, include_unallocated=True
            ) == allocated.engine.spend([full.folder], group_by=group_by, include_unallocated=True)
        assert incremental.compact(allocated.engine, patched.folder)
        assert (full.folder / "summary.parquet").read_bytes() == (
            patched.folder / "summary.parquet"
        ).read_bytes()

        restarted = AllocatedSpend(allocated.cur, allocated.root)
        try:
            monkeypatch.setattr(restarted.engine, "allocate", counted)
            restarted.ensure(["2026-03"], AllocationRules((), ()), rules_version=3)
        finally:
            restarted.close()
        assert len(full_runs) == 2  # nothing known of the folder's rules: in full
