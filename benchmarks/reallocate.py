"""Incremental re-allocation benchmark: one synthetic CUR 2.0 month allocated in full, then three
rule changes each applied incrementally and by a full recompute, in the same run.

    .venv/bin/python benchmarks/reallocate.py [--rows N] [--repeat 3] [--work DIR]

The month, its 5,000 split versions and 50,000 claim spans are those of
`benchmarks/allocation.py` (same options and seed). The changes, applied in a chain:
(a) remap one account from a Monday mid-month, (b) claim 100 resources that had no claim from
the next day, (c) release them a week later. For each, `adapters.allocation.incremental`
patches the summary left by the previous step (writing only the rows it alters, a delta
merged at read: `adapters/allocation/summary_files.py`) and
`DuckDBAllocationEngine.allocate` recomputes the period in full (the two interleaved
`--repeat` times, medians), and the patched summary as every reader sees it (base merged with
the delta) must equal the full one row for row, exactly (and its line counts); after the
chain the delta is compacted into the base, which must then equal the full run's file to the
byte. The applied rules are passed as `AllocatedSpend` keeps them (their versions, rule
keys and index by account derived when applied).
The last line printed is one JSON object: rows, full_seconds, incremental_seconds, ratio,
equal_to_full (the worst change of the three), cpu_ratio (the worst, in CPU seconds of this
process: on a shared machine the wall clock counts other processes' turns too), the load
average, and the figures of each change.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
from allocation import _mondays, _rule_inputs, build_rules

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from adapters.allocation import incremental  # noqa: E402
from adapters.allocation.engine import (  # noqa: E402
    COUNTS_FILE,
    SUMMARY_FILE,
    DuckDBAllocationEngine,
)
from adapters.allocation.sql import SUMMARY_ORDER  # noqa: E402
from adapters.allocation.summary_files import (  # noqa: E402
    counts_from,
    current_delta,
    summary_from,
)
from adapters.cur.store import CurStore  # noqa: E402
from domain.allocation.rules import (  # noqa: E402
    AllocationRules,
    ClaimSpan,
    CostBasis,
    SplitLine,
)

TARGET_RATIO = 0.2


def remap(
    rules: AllocationRules, account: str, day: date, budgets: tuple[int, int]
) -> AllocationRules:
    """`account` split 60/40 onto `budgets` from `day`; its versions end the day before."""
    kept = []
    for line in rules.splits:
        if line.account_id != account or (line.end is not None and line.end < day):
            kept.append(line)
        elif line.start < day:
            kept.append(line._replace(end=day - timedelta(days=1)))
    kept += [
        SplitLine(account, budgets[0], Decimal("60.00"), day, None),
        SplitLine(account, budgets[1], Decimal("40.00"), day, None),
    ]
    return AllocationRules(kept, rules.claims, rules.discounts)


def claim(rules: AllocationRules, resources: list[tuple[str, str]], day: date) -> AllocationRules:
    budget = rules.splits[0].budget_id
    spans = [ClaimSpan(a, r, 900_000 + i, budget, day, None) for i, (a, r) in enumerate(resources)]
    return AllocationRules(rules.splits, [*rules.claims, *spans], rules.discounts)


def release(rules: AllocationRules, resources: list[tuple[str, str]], day: date) -> AllocationRules:
    chosen = set(resources)
    return AllocationRules(
        rules.splits,
        [
            c._replace(end=day) if (c.account_id, c.resource_id) in chosen and c.end is None else c
            for c in rules.claims
        ],
        rules.discounts,
    )


def counts_of(path: Path) -> list[tuple[object, ...]]:
    return sorted(duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall(), key=repr)


def rows_of(folder: Path) -> list[tuple[object, ...]]:
    return duckdb.sql(f"SELECT * FROM read_parquet('{folder / SUMMARY_FILE}')").fetchall()


def seen(folder: Path) -> list[tuple[object, ...]]:
    """The summary rows as every reader sees them (base merged with the delta), in the
    summary's order."""
    relation = summary_from([folder / SUMMARY_FILE])
    return duckdb.sql(f"SELECT * FROM {relation} ORDER BY {SUMMARY_ORDER}").fetchall()


def seen_counts(folder: Path) -> list[tuple[object, ...]]:
    return sorted(duckdb.sql(f"SELECT * FROM {counts_from(folder)}").fetchall(), key=repr)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--resources", type=int, default=200_000)
    parser.add_argument("--versions", type=int, default=5_000)
    parser.add_argument("--claims", type=int, default=50_000)
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--period", default="2026-01")
    parser.add_argument("--work", type=Path, help="keep (and reuse) data and store here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="finops-reallocate-bench-") as tmp:
        work = args.work or Path(tmp)
        shared = [
            f"--rows={args.rows}",
            f"--threads={args.threads}",
            f"--accounts={args.accounts}",
            f"--resources={args.resources}",
            f"--seed={args.seed}",
            f"--period={args.period}",
            f"--memory-limit={args.memory_limit}",
        ]
        allocation = str(Path(__file__).with_name("allocation.py"))
        subprocess.run(
            [sys.executable, allocation, *shared, "--prepare-only", "--work", str(work)],
            check=True,
        )
        os.sync()
        store = CurStore(work / f"store-{args.rows}", threads=args.threads)
        try:
            source = store.daily_costs(args.period)
        finally:
            store.close()
        accounts, resources = _rule_inputs(source, args.threads)
        first = date.fromisoformat(f"{args.period}-01")
        rules0 = build_rules(
            accounts,
            resources,
            first=first,
            seed=args.seed,
            versions=args.versions,
            claims=args.claims,
        ).validate()
        mid = _mondays(first)[len(_mondays(first)) // 2]
        claimed = {(c.account_id, c.resource_id) for c in rules0.claims}
        free = [r for r in resources if r not in claimed][:100]
        account = rules0.splits[len(rules0.splits) // 2].account_id
        budgets = sorted({s.budget_id for s in rules0.splits})[:2]
        rules1 = remap(rules0, account, mid, (budgets[0], budgets[1])).validate()
        rules2 = claim(rules1, free, mid + timedelta(days=1)).validate()
        rules3 = release(rules2, free, mid + timedelta(days=8)).validate()
        steps = [
            ("remap one account", rules0, rules1),
            ("claim 100 resources", rules1, rules2),
            ("release them", rules2, rules3),
        ]

        engine = DuckDBAllocationEngine(threads=args.threads, memory_limit=args.memory_limit)
        out = Path(tmp) / "out"
        patched_dir, full_dir, before_dir = out / "patched", out / "full", out / "before"
        # warm, and the first state
        applied = engine.allocate(source, rules0, out_dir=before_dir)
        results = []
        try:
            for name, old_rules, new in steps:
                full_runs, inc_runs, full_cpu, inc_cpu = [], [], [], []
                for _ in range(args.repeat):
                    shutil.rmtree(patched_dir, ignore_errors=True)
                    shutil.copytree(before_dir, patched_dir)
                    # the figures of the folder's summary as the service keeps them (not
                    # timed: its full run or the previous change remembered them; the copy
                    # is another file to the cache)
                    incremental.remember_run(engine, patched_dir, applied)
                    # the applied rules as `AllocatedSpend` keeps them (not timed): their
                    # split versions and rule keys derived when they were applied (by the
                    # full run for rules0, by the previous change for the others)
                    old = AllocationRules(
                        old_rules.splits, old_rules.claims, old_rules.discounts
                    ).validate()
                    old.account_splits()
                    old.rule_keys()
                    old.by_account()
                    # the rules as the service has them: the applied set (its versions
                    # derived) and a new set just read and validated (not timed: both ways do)
                    fresh = AllocationRules(new.splits, new.claims, new.discounts).validate()
                    started, cpu = time.perf_counter(), time.process_time()
                    done = incremental.reallocate(
                        engine, source, old, fresh, basis=CostBasis.UNBLENDED, out_dir=patched_dir
                    )
                    inc_runs.append(time.perf_counter() - started)
                    inc_cpu.append(time.process_time() - cpu)
                    assert done is not None, "the change fell back to a full run"
                    fresh = AllocationRules(new.splits, new.claims, new.discounts).validate()
                    started, cpu = time.perf_counter(), time.process_time()
                    full = engine.allocate(source, fresh, out_dir=full_dir)
                    full_runs.append(time.perf_counter() - started)
                    full_cpu.append(time.process_time() - cpu)
                # what the readers see: the base merged with the delta the change wrote
                equal = seen(patched_dir) == rows_of(full_dir) and seen_counts(
                    patched_dir
                ) == counts_of(full_dir / COUNTS_FILE)
                delta = current_delta(patched_dir / SUMMARY_FILE)
                full_s, inc_s = statistics.median(full_runs), statistics.median(inc_runs)
                full_c, inc_c = statistics.median(full_cpu), statistics.median(inc_cpu)
                figures = {
                    "change": name,
                    "full_seconds": round(full_s, 3),
                    "incremental_seconds": round(inc_s, 3),
                    "ratio": round(inc_s / full_s, 3),
                    # CPU seconds of this process (DuckDB's threads included): on a shared
                    # machine the wall clock also counts the other processes' turns
                    "full_cpu_seconds": round(full_c, 3),
                    "incremental_cpu_seconds": round(inc_c, 3),
                    "cpu_ratio": round(inc_c / full_c, 3),
                    "equal_to_full": equal,
                    "delta_rows": 0 if delta is None else len(counts_of(delta)),
                }
                results.append(figures)
                print(
                    f"{name:<22} full {full_s:.3f} s, incremental {inc_s:.3f} s: "
                    f"ratio {inc_s / full_s:.3f} (CPU {inc_c:.3f} / {full_c:.3f} s: "
                    f"{inc_c / full_c:.3f}); equal to full: {equal}",
                    flush=True,
                )
                shutil.rmtree(before_dir)
                shutil.copytree(patched_dir, before_dir)
                applied = full  # the figures of the state the next change starts from
            # the delta folded into the base (not timed: the next full run or a large
            # delta does it) gives the full run's files to the byte
            incremental.compact(engine, patched_dir)
            compacted = (patched_dir / SUMMARY_FILE).read_bytes() == (
                full_dir / SUMMARY_FILE
            ).read_bytes() and counts_of(patched_dir / COUNTS_FILE) == counts_of(
                full_dir / COUNTS_FILE
            )
            print(f"compacted into the base: same bytes as the full run: {compacted}")
        finally:
            engine.close()
        worst = max(results, key=lambda r: r["ratio"])
        print(
            json.dumps(
                {
                    "rows": args.rows,
                    "full_seconds": worst["full_seconds"],
                    "incremental_seconds": worst["incremental_seconds"],
                    "ratio": worst["ratio"],
                    "cpu_ratio": max(r["cpu_ratio"] for r in results),
                    "load_average": [round(x, 2) for x in os.getloadavg()],
                    "equal_to_full": all(r["equal_to_full"] for r in results) and compacted,
                    "target_ratio": TARGET_RATIO,
                    "changes": results,
                }
            )
        )
        return 0 if all(r["equal_to_full"] for r in results) and compacted else 1


if __name__ == "__main__":
    raise SystemExit(main())
