"""Ingest benchmark: materialize one synthetic CUR 2.0 month and compare with a plain GROUP BY.

    .venv/bin/python benchmarks/ingest.py [--rows N] [--threads T] [--memory-limit 1GB]

Generates one month of CUR 2.0 parquet (Data Exports layout, tags in the `resource_tags` map) in
a temporary folder (in a child process, so its memory does not count), then times in this
process: (1) `CurStore.refresh` of the month and (2) the baseline

    SELECT line_item_usage_account_id, line_item_resource_id,
           CAST(line_item_usage_start_date AS DATE),
           sum(line_item_unblended_cost::DECIMAL(20,10))
    FROM read_parquet(...) GROUP BY ALL

over the same files with the same threads and memory limit (run before and after the refresh;
the ratio uses their mean). Wall and CPU time are both reported: on a shared machine other jobs
stretch wall time, CPU time much less. The last line printed is one JSON object: rows, seconds,
rows_per_second, baseline_seconds, ratio, cpu_seconds, baseline_cpu_seconds, cpu_ratio,
peak_rss_mb. `--keep-line-items` also writes the normalized line items (off by default).
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

from baseline import baseline_group_by

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


def _baseline(files: str, args: argparse.Namespace, spill: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds of the baseline GROUP BY, and its number of groups."""
    return baseline_group_by(
        files, threads=args.threads, memory_limit=args.memory_limit, spill=spill
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--resources", type=int, default=200_000)
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--period", default="2026-01")
    parser.add_argument(
        "--keep-line-items",
        action="store_true",
        help="also write the normalized line items (the refresh's optional second pass)",
    )
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

        files = str(data / "data" / "*" / "*.parquet")
        # the baseline runs before and after the refresh (same warm files); the ratio uses the
        # mean of the two, as other jobs on a shared machine move both
        baselines = [_baseline(files, args, work / "spill")]
        store = CurStore(work / "store", threads=args.threads, memory_limit=args.memory_limit)
        try:
            stages: dict[str, tuple[float, float]] = {}
            last = [time.perf_counter(), time.process_time()]

            def progress(stage: str, _done: int, _total: int) -> None:
                now = [time.perf_counter(), time.process_time()]
                wall, cpu = stages.get(stage, (0.0, 0.0))
                stages[stage] = (wall + now[0] - last[0], cpu + now[1] - last[1])
                last[:] = now

            started = time.perf_counter()
            cpu_started = time.process_time()
            periods = store.refresh(
                str(data), progress=progress, keep_line_items=args.keep_line_items
            )
            seconds = time.perf_counter() - started
            cpu_seconds = time.process_time() - cpu_started
        finally:
            store.close()
        baselines.append(_baseline(files, args, work / "spill"))
        rows = sum(p.rows for p in periods)
        print(
            f"ingest: {rows:,} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s, "
            f"CPU {cpu_seconds:.2f} s ({args.threads} threads, memory_limit "
            f"{args.memory_limit}, keep_line_items {args.keep_line_items})"
        )
        print(
            "  stages (wall / CPU s): "
            + ", ".join(f"{k} {w:.2f}/{c:.2f}" for k, (w, c) in stages.items())
        )
        for p in periods:
            print(f"  {p.period}: {p.rows:,} rows, unblended {p.total_unblended_cost:,.2f}")
        baseline_seconds = sum(b[0] for b in baselines) / len(baselines)
        baseline_cpu = sum(b[1] for b in baselines) / len(baselines)
        print(
            "baseline GROUP BY: "
            + ", ".join(f"{b[0]:.2f} s (CPU {b[1]:.2f} s)" for b in baselines)
            + f" ({baselines[0][2]:,} groups)"
        )
        ratio = seconds / baseline_seconds
        cpu_ratio = cpu_seconds / baseline_cpu
        peak = _peak_rss_mb()
        print(f"ratio ingest/baseline: {ratio:.2f} (CPU {cpu_ratio:.2f}), peak RSS {peak:,.0f} MB")
        print(
            json.dumps(
                {
                    "rows": rows,
                    "seconds": round(seconds, 3),
                    "rows_per_second": round(rows / seconds),
                    "baseline_seconds": round(baseline_seconds, 3),
                    "ratio": round(ratio, 3),
                    "cpu_seconds": round(cpu_seconds, 3),
                    "baseline_cpu_seconds": round(baseline_cpu, 3),
                    "cpu_ratio": round(cpu_ratio, 3),
                    "peak_rss_mb": round(peak, 1),
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
