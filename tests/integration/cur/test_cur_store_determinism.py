"""The CUR store reads the same figures every time, also concurrently."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import duckdb

from adapters.cur.store import CurStore
from tests.integration.cur.figures import PERIODS, comparable, daily_sums, raw_figures


class TestDeterminism:
    def test_one_and_two_threads_give_identical_decimal_totals(
        self, generated_cur: Path, tmp_path: Path
    ) -> None:
        figures = []
        for threads in (1, 2):
            with CurStore(tmp_path / f"t{threads}", threads=threads) as s:
                periods = s.refresh(str(generated_cur))
                figures.append((comparable(periods), [daily_sums(s, p) for p in PERIODS]))

        assert figures[0] == figures[1]

    def test_file_order_changes_nothing(self, generated_cur: Path, tmp_path: Path) -> None:
        # the same files under other names, so that they are listed and read in reverse
        shuffled = tmp_path / "shuffled"
        for f in sorted((generated_cur / "data").rglob("*.parquet")):
            part = int(f.stem.split("-")[1])
            target = shuffled / "data" / f.parent.name / f"part-{99 - part}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, target)
        results = []
        for source, threads in ((generated_cur, 2), (shuffled, 1)):
            with CurStore(tmp_path / f"store-{source.name}", threads=threads) as s:
                periods = s.refresh(str(source))
                daily = [
                    duckdb.execute(
                        f"SELECT * FROM read_parquet({list(s.daily_costs(p).daily_paths)}) "
                        "ORDER BY ALL"
                    ).fetchall()
                    for p in PERIODS
                ]
                resources = [s.resources(period=p, limit=1000) for p in PERIODS]
                results.append((comparable(periods), daily, resources, s.accounts_seen()))

        assert results[0] == results[1]
        assert [p[4] for p in results[0][0]] == [raw_figures(generated_cur)[p][1] for p in PERIODS]

    def test_reads_during_a_refresh_see_a_whole_store(
        self, store: CurStore, generated_cur: Path
    ) -> None:
        store.refresh(str(generated_cur))
        expected = comparable(store.billing_periods())
        errors: list[BaseException] = []
        done = threading.Event()

        def read() -> None:
            while not done.is_set():
                try:
                    assert comparable(store.billing_periods()) == expected
                    assert store.resources(period="2026-01", limit=5).items
                except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                    errors.append(exc)
                    return

        reader = threading.Thread(target=read)
        reader.start()
        try:
            store.refresh(str(generated_cur))
        finally:
            done.set()
            reader.join()

        assert errors == []
