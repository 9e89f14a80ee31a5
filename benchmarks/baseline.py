"""The baseline every spend benchmark compares against: the raw-file
`GROUP BY account, resource, day` sum as DECIMAL, with the same threads and memory."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb


def baseline_group_by(
    files: str, *, threads: int, memory_limit: str, spill: Path
) -> tuple[float, float, int]:
    """Wall and CPU seconds of the baseline GROUP BY over `files`, and its number of groups."""
    con = duckdb.connect(
        config={
            "threads": threads,
            "memory_limit": memory_limit,
            "temp_directory": str(spill),
            "preserve_insertion_order": False,
        }
    )
    try:
        started = time.perf_counter()
        cpu_started = time.process_time()
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
        cpu = time.process_time() - cpu_started
    finally:
        con.close()
    assert row is not None
    return elapsed, cpu, int(row[0])
