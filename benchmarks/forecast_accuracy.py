"""Back-test errors of the forecast method against the seasonal-naive baseline.

    python benchmarks/forecast_accuracy.py [--demo DATA_DIR] [--public DIR]

Two daily series sets, read in place:
- the demo's budgets (`--demo`: a data folder where `finops demo load` ran; their daily
  allocated spend from the materialized summaries);
- the public CUR (`--public`, default /work/shared/data/public/wa-labs-workshop-cur: real AWS
  workshop accounts, October to December 2018), each usage account's daily unblended cost.

Two horizons: the product's (each whole month forecast from the history before its 1st) and a
rolling week (each day with 28 days of history forecasts the next 7). Prints MAPE and median
APE per method; the last line is JSON. The numbers are in docs/forecasts.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from domain.forecasts.method import (  # noqa: E402
    MIN_HISTORY_DAYS,
    Method,
    backtest,
    last_week_profile,
    project,
    trimmed,
    weekday_profile,
)

PUBLIC = Path("/work/shared/data/public/wa-labs-workshop-cur")
METHODS: dict[str, Method] = {
    "weekday mean (8 weeks)": weekday_profile,
    "seasonal naive (last week)": last_week_profile,
}


def say(message: str) -> None:
    print(message, flush=True)  # noqa: T201


def dense(rows: Sequence[tuple[str, date, float]]) -> dict[str, tuple[date, list[float]]]:
    by: dict[str, dict[date, float]] = {}
    for key, day, amount in rows:
        by.setdefault(key, {})[day] = by.get(key, {}).get(day, 0.0) + amount
    out = {}
    for key, days in by.items():
        first, last = min(days), max(days)
        n = (last - first).days + 1
        out[key] = (first, [days.get(first + timedelta(days=i), 0.0) for i in range(n)])
    return out


def demo_series(data_dir: Path) -> dict[str, tuple[date, list[float]]]:
    files = sorted(str(p) for p in (data_dir / "allocations").glob("*/summary.parquet"))
    rows = duckdb.sql(
        f"SELECT CAST(budget_id AS VARCHAR), usage_date, CAST(SUM(amount) AS DOUBLE) "
        f"FROM read_parquet({files}) WHERE dimension = 'day' AND budget_id IS NOT NULL "
        "GROUP BY ALL"
    ).fetchall()
    return dense(rows)


def public_series(folder: Path) -> dict[str, tuple[date, list[float]]]:
    files = sorted(str(p) for p in folder.glob("*.parquet"))
    rows = duckdb.sql(
        "SELECT line_item_usage_account_id, CAST(line_item_usage_start_date AS DATE), "
        "CAST(SUM(line_item_unblended_cost) AS DOUBLE) "
        f"FROM read_parquet({files}, union_by_name = true) "
        "WHERE CAST(line_item_usage_start_date AS DATE) < DATE '2019-01-01' GROUP BY ALL"
    ).fetchall()
    return dense(rows)


def weekly_apes(series: list[float], first: date, method: Method) -> list[float]:
    series_, first_ = trimmed(series, first)
    out = []
    for origin in range(MIN_HISTORY_DAYS, len(series_) - 7 + 1):
        actual = sum(series_[origin : origin + 7])
        if actual <= 0:
            continue
        start = first_ + timedelta(days=origin)
        forecast = project(method(series_[:origin], first_), start, start + timedelta(days=6))
        out.append(abs(forecast - actual) / actual)
    return out


def measure(name: str, series: dict[str, tuple[date, list[float]]]) -> dict[str, object]:
    say(f"{name}: {len(series)} series")
    result: dict[str, object] = {"series": len(series)}
    for label, method in METHODS.items():
        monthly = [
            ape for first, s in series.values() for ape in backtest(s, first, method=method).apes
        ]
        weekly = [ape for first, s in series.values() for ape in weekly_apes(s, first, method)]
        figures = {
            "monthly_n": len(monthly),
            "monthly_mape": round(100 * statistics.fmean(monthly), 1) if monthly else None,
            "monthly_median_ape": round(100 * statistics.median(monthly), 1) if monthly else None,
            "weekly_n": len(weekly),
            "weekly_mape": round(100 * statistics.fmean(weekly), 1) if weekly else None,
            "weekly_median_ape": round(100 * statistics.median(weekly), 1) if weekly else None,
        }
        result[label] = figures
        say(
            f"  {label:28} month: MAPE {figures['monthly_mape']} %, median "
            f"{figures['monthly_median_ape']} % (n={len(monthly)})   week: MAPE "
            f"{figures['weekly_mape']} %, median {figures['weekly_median_ape']} % (n={len(weekly)})"
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", type=Path, help="a data folder with the demo loaded")
    parser.add_argument("--public", type=Path, default=PUBLIC)
    args = parser.parse_args()
    results: dict[str, object] = {}
    if args.demo:
        results["demo"] = measure("demo budgets", demo_series(args.demo))
    if args.public.is_dir():
        results["public"] = measure("public CUR accounts", public_series(args.public))
    else:
        say(f"{args.public} is absent: the public CUR is not measured")
    print(json.dumps(results))  # noqa: T201


if __name__ == "__main__":
    main()
