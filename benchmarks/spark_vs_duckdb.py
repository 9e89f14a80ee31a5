"""The allocation on both spend engines: one generated CUR 2.0 month, the same rules, timed.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/spark_vs_duckdb.py [--rows N] [--repeat 3]
        [--master local[2]] [--remote sc://host:15002] [--conf k=v,k=v] [--work DIR]

Generates the month (`adapters/cur/generator.py`) and refreshes it through `CurStore` (DuckDB),
builds split versions and claim spans on its real accounts and resources (the rules of
`benchmarks/allocation.py`), then allocates it `--repeat` times on each engine, interleaved,
summary only (what the service does). Spark's first run (JVM start, code generation) is timed
apart as `spark_first_seconds`. Checks that both engines wrote the same summary rows and the
same figures. The last line printed is one JSON object: rows, daily_rows, duckdb_seconds,
spark_seconds (medians), spark_first_seconds, same.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
from allocation import _rule_inputs, build_rules

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from adapters.allocation.engine import AllocationResult, DuckDBAllocationEngine  # noqa: E402
from adapters.cur.generator import generate_cur  # noqa: E402
from adapters.cur.store import CurStore  # noqa: E402
from adapters.spark.allocation import SparkAllocationEngine  # noqa: E402
from adapters.spark.session import SparkConfig, parse_conf  # noqa: E402


def _summary(result: AllocationResult) -> list[tuple[object, ...]]:
    return duckdb.read_parquet(str(result.summary_path)).fetchall()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--resources", type=int, default=20_000)
    parser.add_argument("--versions", type=int, default=500)
    parser.add_argument("--claims", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--remote", default="")
    parser.add_argument("--conf", default="")
    parser.add_argument("--period", default="2026-01")
    parser.add_argument("--work", type=Path, help="keep (and reuse) the data and store here")
    args = parser.parse_args(argv)

    work = args.work or Path(tempfile.mkdtemp(prefix="spark-vs-duckdb-"))
    store = CurStore(work / "store", threads=args.threads)
    if args.period not in {p.period for p in store.billing_periods()}:
        started = time.perf_counter()
        generate_cur(
            work / "cur",
            rows=args.rows,
            accounts=args.accounts,
            resources=args.resources,
            months=1,
            start=args.period,
            final_months=0,
        )
        store.refresh(str(work / "cur"))
        print(
            f"generated and refreshed {args.rows:,} rows in {time.perf_counter() - started:.1f} s"
        )
    source = store.daily_costs(args.period)
    accounts, resources = _rule_inputs(source, args.threads)
    rules = build_rules(
        accounts,
        resources,
        first=date.fromisoformat(args.period + "-01"),
        seed=42,
        versions=args.versions,
        claims=args.claims,
    )
    [daily_rows] = duckdb.read_parquet(list(source.daily_paths)).aggregate("count(*)").fetchall()
    config = SparkConfig(remote=args.remote, master=args.master, conf=parse_conf(args.conf))
    times: dict[str, list[float]] = {"duckdb": [], "spark": []}
    results: dict[str, AllocationResult] = {}
    with (
        DuckDBAllocationEngine(threads=args.threads) as duck,
        SparkAllocationEngine(config) as spark,
    ):
        started = time.perf_counter()
        results["spark"] = spark.allocate(source, rules, out_dir=work / "out" / "spark-first")
        first = time.perf_counter() - started
        print(f"spark: first run (session start, warm-up) {first:.2f} s")
        for i in range(args.repeat):
            for name, engine in (("duckdb", duck), ("spark", spark)):
                started = time.perf_counter()
                results[name] = engine.allocate(source, rules, out_dir=work / "out" / f"{name}-{i}")
                times[name].append(time.perf_counter() - started)
                print(f"{name}: run {i + 1} {times[name][-1]:.2f} s")
    same = _summary(results["spark"]) == _summary(results["duckdb"]) and (
        results["spark"].total,
        results["spark"].allocated,
        results["spark"].rows,
    ) == (results["duckdb"].total, results["duckdb"].allocated, results["duckdb"].rows)
    print(
        json.dumps(
            {
                "rows": args.rows,
                "daily_rows": int(daily_rows[0]) if daily_rows else 0,
                "duckdb_seconds": round(statistics.median(times["duckdb"]), 3),
                "spark_seconds": round(statistics.median(times["spark"]), 3),
                "spark_first_seconds": round(first, 3),
                "spark_master": config.description,
                "same": same,
            }
        )
    )
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
