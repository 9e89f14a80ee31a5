"""Ingest benchmark: materialize one synthetic CUR 2.0 month and compare with two baselines.

    .venv/bin/python benchmarks/ingest.py [--rows N] [--threads T] [--memory-limit 1GB] [--runs 5]

Generates one month of CUR 2.0 parquet (Data Exports layout, tags in the `resource_tags` map) in
a temporary folder (in a child process, so its memory does not count), then times in this
process: (1) `CurStore.refresh` of the month and (2) the baseline

    SELECT line_item_usage_account_id, line_item_resource_id,
           CAST(line_item_usage_start_date AS DATE),
           sum(line_item_unblended_cost::DECIMAL(20,10))
    FROM read_parquet(...) GROUP BY ALL

over the same files with the same threads and memory limit, and (3) the floor: one query that
reads exactly the 18 columns the refresh reads (the tag map included) and aggregates them once
into the grouping of the refresh's pass (usage day, account, resource, service, line item type,
invoice, currency), with the same DECIMAL(20,10) sums (unblended, net, amortized), the line
item count, the account name, the region and the tag map as text (see `FLOOR`).

The three run interleaved `--runs` times in this process (each refresh into a new store), and
each figure is the median of its runs: on a shared machine other jobs stretch wall time, so
neighbours in time are compared and CPU time is reported too. Then the month is refreshed once
more into the last store, unchanged: that redelivery is answered from the manifest, not read.
The last line printed is one JSON object: rows, seconds, rows_per_second, baseline_seconds,
ratio (refresh / GROUP BY), cpu_seconds, baseline_cpu_seconds, cpu_ratio, floor_seconds,
floor_cpu_seconds, floor_ratio (refresh / floor), floor_cpu_ratio, runs, unchanged_seconds,
peak_rss_mb, engine. `--keep-line-items` also writes the normalized line items (off by default).

`--engine spark` runs the refresh's pass over the line items on Spark (`--spark-master`,
default `local[2]`; docs/spark.md), the rest as with DuckDB. The session is started before the
runs (its start is printed apart, not in the medians). CPU time and peak RSS are this Python
process's: the JVM's own CPU and memory are not in them (they are for DuckDB, in process).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from baseline import baseline_group_by

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from adapters.cur.engines import RefreshEngine, build_refresh_engine  # noqa: E402
from adapters.cur.generator import generate_cur  # noqa: E402
from adapters.cur.store import CurStore  # noqa: E402

_M = "DECIMAL(20,10)"
# The floor: the columns the refresh reads, aggregated once into its grouping, nothing else.
# The outer query uses every aggregate so that none is optimized away.
FLOOR = f"""
SELECT count(*), sum(u), sum(n), sum(a), sum(items), count(name), count(region), count(tags)
FROM (
    SELECT CAST(line_item_usage_start_date AS DATE) AS day, line_item_usage_account_id,
           line_item_resource_id, line_item_product_code, line_item_line_item_type,
           bill_invoice_id, line_item_currency_code,
           max(line_item_usage_account_name) AS name, max(product_region_code) AS region,
           sum(line_item_unblended_cost::{_M}) AS u,
           sum(line_item_net_unblended_cost::{_M}) AS n,
           sum(CASE line_item_line_item_type
               WHEN 'SavingsPlanCoveredUsage' THEN savings_plan_savings_plan_effective_cost::{_M}
               WHEN 'SavingsPlanRecurringFee'
                   THEN savings_plan_total_commitment_to_date::{_M}
                        - savings_plan_used_commitment::{_M}
               WHEN 'SavingsPlanNegation' THEN 0
               WHEN 'SavingsPlanUpfrontFee' THEN 0
               WHEN 'DiscountedUsage' THEN reservation_effective_cost::{_M}
               WHEN 'RIFee'
                   THEN reservation_unused_amortized_upfront_fee_for_billing_period::{_M}
                        + reservation_unused_recurring_fee::{_M}
               ELSE line_item_unblended_cost::{_M} END) AS a,
           count(*) AS items, max(CAST(resource_tags AS VARCHAR)) AS tags
    FROM read_parquet('{{files}}')
    GROUP BY ALL
)
"""


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


def _baseline(files: str, args: argparse.Namespace, spill: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the baseline GROUP BY."""
    wall, cpu, _groups = baseline_group_by(
        files, threads=args.threads, memory_limit=args.memory_limit, spill=spill
    )
    return wall, cpu


def _floor(files: str, args: argparse.Namespace, spill: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the floor query (same connection settings as the refresh)."""
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
        cpu_started = time.process_time()
        con.execute(FLOOR.format(files=files)).fetchone()
        return time.perf_counter() - started, time.process_time() - cpu_started
    finally:
        con.close()


def _engine(args: argparse.Namespace) -> RefreshEngine:
    if args.engine == "duckdb":
        return build_refresh_engine("duckdb")
    from adapters.spark.session import SparkConfig, spark_session

    config = SparkConfig(master=args.spark_master)
    started = time.perf_counter()
    spark_session(config)
    print(f"Spark session ({args.spark_master}) started in {time.perf_counter() - started:.1f} s")
    return build_refresh_engine("spark", spark=config)


def _median(values: list[float]) -> float:
    return statistics.median(values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--resources", type=int, default=200_000)
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--period", default="2026-01")
    parser.add_argument("--runs", type=int, default=5, help="interleaved runs (medians)")
    parser.add_argument(
        "--keep-line-items",
        action="store_true",
        help="also write the normalized line items (the refresh's optional second pass)",
    )
    parser.add_argument("--data", type=Path, help="reuse CUR files generated here before")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--spark-master", default="local[2]")
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
        engine = _engine(args)
        baselines: list[tuple[float, float]] = []
        floors: list[tuple[float, float]] = []
        refreshes: list[tuple[float, float]] = []
        stages: dict[str, tuple[float, float]] = {}
        periods = []
        unchanged_seconds = 0.0
        last = [0.0, 0.0]

        def progress(stage: str, _done: int, _total: int) -> None:
            now = [time.perf_counter(), time.process_time()]
            wall, cpu = stages.get(stage, (0.0, 0.0))
            stages[stage] = (wall + now[0] - last[0], cpu + now[1] - last[1])
            last[:] = now

        for run in range(args.runs):
            # the order rotates so that no query always runs first (on colder caches)
            order = ["baseline", "floor", "refresh"]
            order = order[run % 3 :] + order[: run % 3]
            for job in order:
                if job == "baseline":
                    baselines.append(_baseline(files, args, work / "spill"))
                elif job == "floor":
                    floors.append(_floor(files, args, work / "spill"))
                else:
                    store_dir = work / f"store-{run}"
                    store = CurStore(
                        store_dir,
                        threads=args.threads,
                        memory_limit=args.memory_limit,
                        engine=engine,
                    )
                    try:
                        stages.clear()
                        last[:] = [time.perf_counter(), time.process_time()]
                        started = time.perf_counter()
                        cpu_started = time.process_time()
                        periods = store.refresh(
                            str(data), progress=progress, keep_line_items=args.keep_line_items
                        )
                        refreshes.append(
                            (time.perf_counter() - started, time.process_time() - cpu_started)
                        )
                        if run == args.runs - 1:
                            # the same files delivered again: answered from the manifest
                            started = time.perf_counter()
                            store.refresh(str(data), keep_line_items=args.keep_line_items)
                            unchanged_seconds = time.perf_counter() - started
                    finally:
                        store.close()
                    if run < args.runs - 1:
                        shutil.rmtree(store_dir, ignore_errors=True)
            print(
                f"run {run + 1}: refresh {refreshes[-1][0]:.2f} s, baseline "
                f"{baselines[-1][0]:.2f} s, floor {floors[-1][0]:.2f} s",
                flush=True,
            )

        rows = sum(p.rows for p in periods)
        seconds = _median([r[0] for r in refreshes])
        cpu_seconds = _median([r[1] for r in refreshes])
        baseline_seconds = _median([b[0] for b in baselines])
        baseline_cpu = _median([b[1] for b in baselines])
        floor_seconds = _median([f[0] for f in floors])
        floor_cpu = _median([f[1] for f in floors])
        print(
            f"ingest: {rows:,} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s, "
            f"CPU {cpu_seconds:.2f} s ({args.threads} threads, memory_limit "
            f"{args.memory_limit}, keep_line_items {args.keep_line_items}, engine "
            f"{args.engine}; median of "
            f"{args.runs}: " + ", ".join(f"{r[0]:.2f}" for r in refreshes) + ")"
        )
        print(
            "  stages of the last run (wall / CPU s): "
            + ", ".join(f"{k} {w:.2f}/{c:.2f}" for k, (w, c) in stages.items())
        )
        for p in periods:
            print(f"  {p.period}: {p.rows:,} rows, unblended {p.total_unblended_cost:,.2f}")
        print(f"  unchanged redelivery: {unchanged_seconds:.3f} s")
        print(
            f"baseline GROUP BY: {baseline_seconds:.2f} s (CPU {baseline_cpu:.2f} s); "
            f"floor: {floor_seconds:.2f} s (CPU {floor_cpu:.2f} s)"
        )
        ratio = seconds / baseline_seconds
        cpu_ratio = cpu_seconds / baseline_cpu
        floor_ratio = seconds / floor_seconds
        floor_cpu_ratio = cpu_seconds / floor_cpu
        peak = _peak_rss_mb()
        print(
            f"ratio ingest/baseline: {ratio:.2f} (CPU {cpu_ratio:.2f}); ingest/floor: "
            f"{floor_ratio:.2f} (CPU {floor_cpu_ratio:.2f}); peak RSS {peak:,.0f} MB"
        )
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
                    "floor_seconds": round(floor_seconds, 3),
                    "floor_cpu_seconds": round(floor_cpu, 3),
                    "floor_ratio": round(floor_ratio, 3),
                    "floor_cpu_ratio": round(floor_cpu_ratio, 3),
                    "runs": args.runs,
                    "unchanged_seconds": round(unchanged_seconds, 3),
                    "peak_rss_mb": round(peak, 1),
                    "engine": args.engine,
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
