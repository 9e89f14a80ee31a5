"""Allocation benchmark: allocate one synthetic CUR 2.0 month and compare with a plain GROUP BY.

    .venv/bin/python benchmarks/allocation.py [--rows N] [--threads T] [--memory-limit 1GB]
        [--repeat 5] [--method arrays|window] [--work DIR]

Generates one month of CUR 2.0 parquet (2,000 accounts, 200,000 resources by default) and
refreshes it through `CurStore`, both in a child process (their memory does not count; with
`--work` both are kept and reused). Then, in this process: builds 5,000 account split versions
(a fifth of the accounts remapped on every Monday, others on two Mondays, 5% left without a
split) and 50,000 claim spans (claims from before or within the month, releases, re-claims) on
the month's real resources; times `DuckDBAllocationEngine.allocate` and the baseline

    SELECT line_item_usage_account_id, line_item_resource_id,
           CAST(line_item_usage_start_date AS DATE),
           sum(line_item_unblended_cost::DECIMAL(20,10))
    FROM read_parquet(...) GROUP BY ALL

over the same raw files with the same threads and memory limit, interleaved `--repeat` times
(medians reported: the machine is shared and noisy); checks conservation (allocated +
unallocated == the daily costs' total, summed independently, == the sum of the written lines);
times dashboard `spend` queries. The timed allocation is the service's: `keep_lines=False`, only
the summary written; a run that also writes the line-level `allocated.parquet`
(`keep_lines=True`) is timed in the same interleaving and reported beside it (`--no-lines-run`
skips it). The last line printed is one JSON object: rows, seconds, baseline_seconds, ratio,
peak_rss_mb, conserved (plus allocated_lines, dashboard_ms, and seconds_with_lines,
ratio_with_lines).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from baseline import baseline_group_by

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from adapters.allocation.engine import DuckDBAllocationEngine  # noqa: E402
from adapters.cur.generator import generate_cur  # noqa: E402
from adapters.cur.store import CurStore  # noqa: E402
from domain.allocation.rules import (  # noqa: E402
    AllocationRules,
    ClaimSpan,
    CostBasis,
    SplitLine,
)
from domain.spend.models import DailyCostSource  # noqa: E402

BUDGETS = 1_000
WORKLOADS = 5_000


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------- data (child process)


def _prepare(args: argparse.Namespace, data: Path, store_dir: Path) -> None:
    """Generate the CUR month (unless reused) and refresh it into the store."""
    if not (data / "data").exists():
        started = time.perf_counter()
        files = generate_cur(
            data,
            rows=args.rows,
            accounts=args.accounts,
            resources=args.resources,
            months=1,
            seed=args.seed,
            start=args.period,
            final_months=0,
        )
        size = sum(f.stat().st_size for f in files)
        print(
            f"generated {args.rows:,} rows in {len(files)} files, {size / 1e6:,.0f} MB "
            f"in {time.perf_counter() - started:.1f} s"
        )
    store = CurStore(store_dir, threads=args.threads, memory_limit=args.memory_limit)
    try:
        if args.period not in {p.period for p in store.billing_periods()}:
            started = time.perf_counter()
            store.refresh(str(data))
            print(f"refreshed into the CUR store in {time.perf_counter() - started:.1f} s")
    finally:
        store.close()


# ---------------------------------------------------------------------- rules


def _mondays(first: date) -> list[date]:
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    day = first + timedelta(days=(7 - first.weekday()) % 7)
    out = []
    while day <= last:
        if day != first:
            out.append(day)
        day += timedelta(days=7)
    return out


def _percents(rng: random.Random, n: int) -> list[Decimal]:
    """n percents with two decimals, each > 0, totalling exactly 100.00."""
    cuts = sorted(rng.sample(range(1, 10_000), n - 1))
    bounds = [0, *cuts, 10_000]
    return [Decimal(b - a) / 100 for a, b in zip(bounds, bounds[1:], strict=False)]


def build_rules(
    accounts: list[str],
    resources: list[tuple[str, str]],
    *,
    first: date,
    seed: int,
    versions: int = 5_000,
    claims: int = 50_000,
) -> AllocationRules:
    """Split versions and claim spans over the month starting on `first`.

    Accounts: the last 5% have no split (their spend is Unallocated); of the others, a fifth
    are remapped on every Monday, a share on two Mondays (0 and 2 remaps give the rest), so
    that the month holds `versions` versions. Claims: a fifth of the claimed resources are
    released mid-month and re-claimed by another workload a few days later.
    """
    rng = random.Random(seed)
    mondays = _mondays(first)
    before = first - timedelta(days=31)
    with_split = accounts[: len(accounts) * 95 // 100]
    every_monday = len(with_split) // 5
    remaining = versions - every_monday * (len(mondays) + 1)
    # the others take 1 or 3 versions: x accounts with 3 give remaining = n + 2x
    twice = max(
        0, min(len(with_split) - every_monday, (remaining - (len(with_split) - every_monday)) // 2)
    )
    lines: list[SplitLine] = []
    for i, account in enumerate(with_split):
        if i < every_monday:
            starts = [before, *mondays]
        elif i < every_monday + twice:
            starts = [before, mondays[1], mondays[-1]]
        else:
            starts = [before]
        ends: list[date | None] = [s - timedelta(days=1) for s in starts[1:]]
        ends.append(None)
        for start, end in zip(starts, ends, strict=True):
            n = rng.choice((1, 1, 2, 2, 3, 4))
            budgets = rng.sample(range(1, BUDGETS + 1), n)
            for budget, percent in zip(budgets, _percents(rng, n), strict=True):
                lines.append(SplitLine(account, budget, percent, start, end))
    days = ((first.replace(day=28) + timedelta(days=4)).replace(day=1) - first).days
    spans: list[ClaimSpan] = []
    reclaimed = claims // 5
    chosen = rng.sample(resources, min(len(resources), claims - reclaimed))
    for i, (account, resource_id) in enumerate(chosen):
        workload = rng.randrange(1, WORKLOADS + 1)
        budget = 1 + workload % BUDGETS
        if i < reclaimed:
            # claimed before the month, released mid-month, re-claimed a few days later
            release = first + timedelta(days=rng.randrange(0, days - 8))
            spans.append(ClaimSpan(account, resource_id, workload, budget, before, release))
            other = 1 + (workload + 1) % WORKLOADS
            again = release + timedelta(days=rng.randrange(1, 7))
            spans.append(ClaimSpan(account, resource_id, other, 1 + other % BUDGETS, again))
            continue
        kind = rng.random()
        start = before if kind < 0.5 else first + timedelta(days=rng.randrange(days))
        end = None
        if kind >= 0.75 or kind < 0.2:
            end = start + timedelta(days=rng.randrange(0, 20))
        spans.append(ClaimSpan(account, resource_id, workload, budget, start, end))
    return AllocationRules(lines, spans)


def _rule_inputs(source: DailyCostSource, threads: int) -> tuple[list[str], list[tuple[str, str]]]:
    folder = Path(source.daily_paths[0]).parent
    con = duckdb.connect(config={"threads": threads})
    try:
        accounts = [
            r[0]
            for r in con.execute(
                f"SELECT account_id FROM read_parquet('{folder / 'accounts.parquet'}') "
                "ORDER BY account_id"
            ).fetchall()
        ]
        resources = [
            (r[0], r[1])
            for r in con.execute(
                "SELECT account_id, resource_id "
                f"FROM read_parquet('{folder / 'resources.parquet'}') "
                "ORDER BY resource_id, account_id"
            ).fetchall()
        ]
    finally:
        con.close()
    return accounts, resources


# ---------------------------------------------------------------------- measurements


def _baseline(files: str, args: argparse.Namespace, spill: Path) -> tuple[float, float, int]:
    elapsed, cpu, groups = baseline_group_by(
        files, threads=args.threads, memory_limit=args.memory_limit, spill=spill
    )
    return elapsed, cpu, groups


def _daily_rows(source: DailyCostSource) -> int:
    con = duckdb.connect()
    try:
        paths = ", ".join(f"'{p}'" for p in source.daily_paths)
        row = con.execute(f"SELECT count(*) FROM read_parquet([{paths}])").fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0])


def _independent_totals(
    source: DailyCostSource, allocated: Path | None, summary: Path
) -> tuple[Decimal, Decimal | None, Decimal]:
    """The daily costs' spend (not credits or refunds), the written lines' sum (when a run kept
    them) and the summary's total, by SQL that shares nothing with the engine."""
    con = duckdb.connect()
    try:
        daily = ", ".join(f"'{p}'" for p in source.daily_paths)
        spend = con.execute(
            f"SELECT sum(unblended_cost) FROM read_parquet([{daily}]) "
            "WHERE line_item_type NOT IN ('Credit', 'Refund')"
        ).fetchone()
        lines = None
        if allocated is not None:
            lines = con.execute(f"SELECT sum(amount) FROM read_parquet('{allocated}')").fetchone()
            assert lines is not None
        summed = con.execute(
            f"SELECT sum(amount) FROM read_parquet('{summary}') WHERE dimension = 'type'"
        ).fetchone()
    finally:
        con.close()
    assert spend is not None
    assert summed is not None
    return (
        Decimal(spend[0]),
        None if lines is None else Decimal(lines[0]),
        Decimal(summed[0]),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--resources", type=int, default=200_000)
    parser.add_argument("--versions", type=int, default=5_000)
    parser.add_argument("--claims", type=int, default=50_000)
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--method", choices=("arrays", "window"), default="arrays")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each side")
    parser.add_argument("--period", default="2026-01")
    parser.add_argument("--work", type=Path, help="keep (and reuse) data and store here")
    parser.add_argument(
        "--no-lines-run",
        action="store_true",
        help="do not also time a run that writes the lines (keep_lines=True)",
    )
    parser.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="finops-allocation-bench-") as tmp:
        work = args.work or Path(tmp)
        data, store_dir = work / f"cur-{args.rows}", work / f"store-{args.rows}"
        if args.prepare_only:
            _prepare(args, data, store_dir)
            return 0
        subprocess.run(
            [
                sys.executable,
                __file__,
                *(argv or sys.argv[1:]),
                "--prepare-only",
                "--work",
                str(work),
            ],
            check=True,
        )
        # flush the generated files to disk now, so that their write-back does not run under
        # the timings below (the engine fsyncs its output)
        os.sync()
        store = CurStore(store_dir, threads=args.threads, memory_limit=args.memory_limit)
        try:
            source = store.daily_costs(args.period)
        finally:
            store.close()

        started = time.perf_counter()
        accounts, resources = _rule_inputs(source, args.threads)
        first = date.fromisoformat(f"{args.period}-01")
        rules = build_rules(
            accounts,
            resources,
            first=first,
            seed=args.seed,
            versions=args.versions,
            claims=args.claims,
        )
        built = time.perf_counter() - started
        started = time.perf_counter()
        rules.validate()  # once per rule set, when the rules change; remembered by the object
        validated = time.perf_counter() - started
        print(
            f"rules: {len(rules.account_splits()):,} split versions ({len(rules.splits):,} "
            f"lines) over {len(accounts):,} accounts, {len(rules.claims):,} claim spans; "
            f"built in {built:.1f} s, validated in {validated:.2f} s (neither timed below)"
        )

        files = str(data / "data" / "*" / "*.parquet")
        engine = DuckDBAllocationEngine(
            threads=args.threads, memory_limit=args.memory_limit, method=args.method
        )
        try:
            runs: list[float] = []
            baselines: list[float] = []
            # CPU seconds of this process (DuckDB's threads included): on a shared machine
            # other jobs stretch wall time, not the CPU a run costs
            run_cpu: list[float] = []
            baseline_cpu: list[float] = []
            line_runs: list[float] = []
            with_lines = None
            # interleaved, so that all sides see the same machine (a shared 2-core VM is noisy)
            for _ in range(args.repeat):
                started = time.perf_counter()
                cpu_started = time.process_time()
                result = engine.allocate(
                    source,
                    rules,
                    basis=CostBasis.UNBLENDED,
                    out_dir=work / "allocation",
                    threads=args.threads,
                )
                runs.append(time.perf_counter() - started)
                run_cpu.append(time.process_time() - cpu_started)
                elapsed, cpu, groups = _baseline(files, args, work / "spill")
                baselines.append(elapsed)
                baseline_cpu.append(cpu)
                if not args.no_lines_run:
                    started = time.perf_counter()
                    with_lines = engine.allocate(
                        source,
                        rules,
                        basis=CostBasis.UNBLENDED,
                        out_dir=work / "allocation-lines",
                        threads=args.threads,
                        keep_lines=True,
                    )
                    line_runs.append(time.perf_counter() - started)
            seconds = statistics.median(runs)
            baseline_seconds = statistics.median(baselines)
            cpu_seconds = statistics.median(run_cpu)
            baseline_cpu_seconds = statistics.median(baseline_cpu)
            seconds_with_lines = statistics.median(line_runs) if line_runs else None
            print(
                f"allocation: {args.rows:,} CUR rows ({_daily_rows(source):,} daily rows) -> "
                f"{result.rows:,} allocated lines in {seconds:.2f} s (median of "
                f"{', '.join(f'{r:.2f}' for r in runs)}; {args.threads} threads, "
                f"memory_limit {args.memory_limit}, method {args.method}; summary only); CPU "
                f"{cpu_seconds:.2f} s (median of {', '.join(f'{c:.2f}' for c in run_cpu)})"
            )
            if seconds_with_lines is not None:
                print(
                    f"  writing the lines too (keep_lines=True): {seconds_with_lines:.2f} s "
                    f"(median of {', '.join(f'{r:.2f}' for r in line_runs)})"
                )
            print(
                f"  total {result.total:,.2f} = allocated {result.allocated:,.2f} "
                f"+ unallocated {result.unallocated:,.2f}; excluded {result.excluded:,.2f}"
            )
            print(
                f"baseline GROUP BY: {baseline_seconds:.2f} s (median of "
                f"{', '.join(f'{b:.2f}' for b in baselines)}; {groups:,} groups); CPU "
                f"{baseline_cpu_seconds:.2f} s (median of "
                f"{', '.join(f'{c:.2f}' for c in baseline_cpu)})"
            )

            some = set(range(1, BUDGETS + 1, 20))
            queries: dict[str, dict[str, Any]] = {
                "by budget, 50 budgets": {"group_by": "budget", "budget_ids": some},
                "by day, 50 budgets": {"group_by": "day", "budget_ids": some},
                "by service, all with unallocated": {
                    "group_by": "service",
                    "include_unallocated": True,
                },
                "by account, all": {"group_by": "account"},
            }
            dashboard_ms = {}
            for label, kwargs in queries.items():
                timings = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    found = engine.spend([result.summary_path], **kwargs)
                    timings.append((time.perf_counter() - t0) * 1000)
                dashboard_ms[label] = round(statistics.median(timings), 1)
                print(
                    f"dashboard spend {label}: {len(found):,} rows, first {timings[0]:.1f} ms, "
                    f"median {statistics.median(timings):.1f} ms"
                )
        finally:
            engine.close()

        spend, lines, summed = _independent_totals(
            source, None if with_lines is None else with_lines.path, result.summary_path
        )
        conserved = result.allocated + result.unallocated == spend == summed == result.total
        if with_lines is not None:
            same = (with_lines.total, with_lines.allocated, with_lines.rows) == (
                result.total,
                result.allocated,
                result.rows,
            )
            same = same and with_lines.summary_path.read_bytes() == result.summary_path.read_bytes()
            conserved = conserved and lines == spend and same
            print(f"summary with and without the lines: {'identical' if same else 'DIFFERENT'}")
        print(
            f"conserved: {conserved} (daily costs {spend}, summary {summed}, written lines {lines})"
        )
        ratio = seconds / baseline_seconds
        peak = _peak_rss_mb()
        cpu_ratio = cpu_seconds / baseline_cpu_seconds
        print(
            f"ratio allocation/baseline: {ratio:.2f} (CPU {cpu_ratio:.2f}), peak RSS {peak:,.0f} MB"
        )
        print(
            json.dumps(
                {
                    "rows": args.rows,
                    "seconds": round(seconds, 3),
                    "baseline_seconds": round(baseline_seconds, 3),
                    "ratio": round(ratio, 3),
                    "cpu_seconds": round(cpu_seconds, 3),
                    "baseline_cpu_seconds": round(baseline_cpu_seconds, 3),
                    "cpu_ratio": round(cpu_ratio, 3),
                    "peak_rss_mb": round(peak, 1),
                    "conserved": conserved,
                    "allocated_lines": result.rows,
                    "dashboard_ms": dashboard_ms,
                    "seconds_with_lines": (
                        None if seconds_with_lines is None else round(seconds_with_lines, 3)
                    ),
                    "ratio_with_lines": (
                        None
                        if seconds_with_lines is None
                        else round(seconds_with_lines / baseline_seconds, 3)
                    ),
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
