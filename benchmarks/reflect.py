"""How long a rule change takes to show in the spend a dashboard reads, on the service path:

    .venv/bin/python benchmarks/reflect.py [--rows N] [--repeat 3] [--work DIR]

The month, its rules and the remap are those of `benchmarks/reallocate.py` (the data are
generated and refreshed the same way; `--work` keeps and reuses them). `AllocatedSpend` (what
`GET /api/v1/spend` reads through) first allocates the month in full for rules version 1; then,
`--repeat` times, the remap of one account (rules version 2) is timed from `ensure` (which a
read after the change calls, and the background reallocation) until the remapped account's
budgets, read as `GET /api/v1/spend?group_by=budget` reads them, show the remap; a full
recompute of version 2 is timed beside it (a new folder, as after a restart). Not timed:
loading the rules from the database and validating them, the same for both ways. The last
line printed is one JSON object: rows, reflected_seconds and full_seconds (medians, wall clock
and CPU), the target (1 s) and the load average.
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
from datetime import date
from pathlib import Path

from allocation import _mondays, _rule_inputs, build_rules
from reallocate import remap

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from adapters.allocation.materialized import AllocatedSpend  # noqa: E402
from adapters.cur.store import CurStore  # noqa: E402
from domain.allocation.rules import AllocationRules  # noqa: E402

TARGET_SECONDS = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=60_000_000)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--period", default="2026-01")
    parser.add_argument("--work", type=Path, help="keep (and reuse) data and store here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="finops-reflect-bench-") as tmp:
        work = args.work or Path(tmp)
        allocation = str(Path(__file__).with_name("allocation.py"))
        subprocess.run(
            [
                sys.executable,
                allocation,
                f"--rows={args.rows}",
                f"--threads={args.threads}",
                f"--seed={args.seed}",
                f"--period={args.period}",
                f"--memory-limit={args.memory_limit}",
                "--prepare-only",
                "--work",
                str(work),
            ],
            check=True,
        )
        store = CurStore(work / f"store-{args.rows}", threads=args.threads)
        try:
            source = store.daily_costs(args.period)
            accounts, resources = _rule_inputs(source, args.threads)
            first = date.fromisoformat(f"{args.period}-01")
            rules0 = build_rules(accounts, resources, first=first, seed=args.seed).validate()
            mid = _mondays(first)[len(_mondays(first)) // 2]
            account = rules0.splits[len(rules0.splits) // 2].account_id
            target = max({s.budget_id for s in rules0.splits}) + 1  # a budget with no spend
            rules1 = remap(rules0, account, mid, (target, target + 1)).validate()
            reflected, full, reflected_cpu, full_cpu = [], [], [], []
            for _ in range(args.repeat):
                root = Path(tmp) / "allocated"
                shutil.rmtree(root, ignore_errors=True)
                spend = AllocatedSpend(store, root)
                try:
                    spend.ensure([args.period], rules0, 1)
                    before = dict(spend.engine.spend([root / args.period], group_by="budget"))
                    assert target not in before
                    # as a read after the change has them: just loaded and validated
                    new = AllocationRules(rules1.splits, rules1.claims).validate()
                    started, cpu = time.perf_counter(), time.process_time()
                    spend.ensure([args.period], new, 2)
                    after = dict(spend.engine.spend([root / args.period], group_by="budget"))
                    reflected.append(time.perf_counter() - started)
                    reflected_cpu.append(time.process_time() - cpu)
                    assert {target, target + 1} <= after.keys(), "the remap is not shown"
                    shutil.rmtree(root / args.period)
                    spend._applied.clear()  # as after a restart: allocated in full
                    new = AllocationRules(rules1.splits, rules1.claims).validate()
                    started, cpu = time.perf_counter(), time.process_time()
                    spend.ensure([args.period], new, 2)
                    again = dict(spend.engine.spend([root / args.period], group_by="budget"))
                    full.append(time.perf_counter() - started)
                    full_cpu.append(time.process_time() - cpu)
                    assert again == after, "the patched spend differs from a full recompute"
                finally:
                    spend.close()
                print(
                    f"reflected in {reflected[-1]:.3f} s (CPU {reflected_cpu[-1]:.3f} s); "
                    f"full recompute {full[-1]:.3f} s (CPU {full_cpu[-1]:.3f} s)",
                    flush=True,
                )
        finally:
            store.close()
        print(
            json.dumps(
                {
                    "rows": args.rows,
                    "reflected_seconds": round(statistics.median(reflected), 3),
                    "full_seconds": round(statistics.median(full), 3),
                    # CPU seconds of this process (DuckDB's threads included): the wall clock
                    # of a shared machine also counts the other processes' turns
                    "reflected_cpu_seconds": round(statistics.median(reflected_cpu), 3),
                    "full_cpu_seconds": round(statistics.median(full_cpu), 3),
                    "target_seconds": TARGET_SECONDS,
                    "load_average": [round(x, 2) for x in os.getloadavg()],
                }
            )
        )
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
