"""Ingest benchmark: materialize one synthetic CUR 2.0 month and compare with a plain GROUP BY.

    .venv/bin/python benchmarks/ingest.py [--rows N] [--threads T] [--memory-limit 1GB]

Generates one month of CUR 2.0 parquet (Data Exports layout, tags in the `resource_tags` map) in
a temporary folder (in a child process, so its memory does not count), then times in this
process: (1) `CurStore.refresh` of the month and (2) the baseline

    SELECT line_item_usage_account_id, line_item_resource_id,
           CAST(line_item_usage_start_date AS DATE),
           sum(line_item_unblended_cost::DECIMAL(20,10))
    FROM read_parquet(...) GROUP BY ALL

over the same files with the same threads and memory limit. The last line printed is one JSON
object: rows, seconds, rows_per_second, baseline_seconds, ratio, peak_rss_mb.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from adapters.cur.generator import generate_cur  # noqa: E402
from adapters.cur.store import CurStore  # noqa: E402


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _generate(args: argparse.Namespace, out: Path) -> None:
    files = generate_cur(
        out,
        rows=args.rows,
        accounts=args.accounts,
        resources=args.resources,
        months=1,
        seed=args.seed,
        start=args.period,
        final_months=0,
    )
    size = sum(f.stat().st_size for f in files)
    print(f"generated {args.rows:,} rows in {len(files)} files, {size / 1e6:,.0f} MB")


def _baseline(files: str, args: argparse.Namespace, spill: Path) -> tuple[float, int]:
    con = duckdb.connect(
        config={
            "threads": args.threads,
            "memory_limit": args.memory_limit,
            "temp_directory": str(spill),
            "preserve_insertion_order": False,
        }
    )
    try:
        started = time.perf_counter()
        # count and sum over the grouped rows force every group and every sum to be computed
        row = con.execute(
            f"""
            SELECT count(*), sum(cost) FROM (
                SELECT line_item_usage_account_id, line_item_resource_id,
                       CAST(line_item_usage_start_date AS DATE),
                       sum(line_item_unblended_cost::DECIMAL(20,10)) AS cost
                FROM read_parquet('{files}')
                GROUP BY ALL
            )
            """
        ).fetchone()
        elapsed = time.perf_counter() - started
    finally:
        con.close()
    assert row is not None
    return elapsed, int(row[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--resources", type=int, default=200_000)
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--period", default="2026-01")
    parser.add_argument("--data", type=Path, help="reuse CUR files generated here before")
    parser.add_argument("--generate-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.generate_only:
        _generate(args, args.generate_only)
        return 0

    with tempfile.TemporaryDirectory(prefix="finops-ingest-") as tmp:
        work = Path(tmp)
        data = args.data or work / "cur"
        if not (data / "data").exists():
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, __file__, *(argv or sys.argv[1:]), "--generate-only", str(data)],
                check=True,
            )
            print(f"generation took {time.perf_counter() - started:.1f} s (not timed below)")

        store = CurStore(work / "store", threads=args.threads, memory_limit=args.memory_limit)
        try:
            stages: dict[str, float] = {}
            last = [time.perf_counter()]

            def progress(stage: str, _done: int, _total: int) -> None:
                now = time.perf_counter()
                stages[stage] = stages.get(stage, 0.0) + now - last[0]
                last[0] = now

            started = time.perf_counter()
            periods = store.refresh(str(data), progress=progress)
            seconds = time.perf_counter() - started
        finally:
            store.close()
        rows = sum(p.rows for p in periods)
        print(
            f"ingest: {rows:,} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s "
            f"({args.threads} threads, memory_limit {args.memory_limit})"
        )
        print("  stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))
        for p in periods:
            print(f"  {p.period}: {p.rows:,} rows, unblended {p.total_unblended_cost:,.2f}")

        files = str(data / "data" / "*" / "*.parquet")
        baseline_seconds, groups = _baseline(files, args, work / "spill")
        print(f"baseline GROUP BY: {baseline_seconds:.2f} s ({groups:,} groups)")
        ratio = seconds / baseline_seconds
        peak = _peak_rss_mb()
        print(f"ratio ingest/baseline: {ratio:.2f}, peak RSS {peak:,.0f} MB")
        print(
            json.dumps(
                {
                    "rows": rows,
                    "seconds": round(seconds, 3),
                    "rows_per_second": round(rows / seconds),
                    "baseline_seconds": round(baseline_seconds, 3),
                    "ratio": round(ratio, 3),
                    "peak_rss_mb": round(peak, 1),
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
