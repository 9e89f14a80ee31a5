"""The store's reads for the API and the allocation engine, on one manifest snapshot: billing
periods, a period's files, and the usage accounts seen (resource search: `resources.py`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb

from adapters.cur.manifest import Manifest
from adapters.cur.sql import path_list
from domain.errors import NotFound
from domain.spend.models import BillingPeriod, DailyCostSource, SeenAccount


def billing_periods(manifest: Manifest) -> list[BillingPeriod]:
    """Every billing period in the store, oldest first."""
    return [e.as_billing_period() for _, e in sorted(manifest.periods.items())]


def daily_costs(store: Path, manifest: Manifest, period: str) -> DailyCostSource:
    """The materialized files of `period`."""
    entry = manifest.periods.get(period)
    if entry is None:
        raise NotFound(f"billing period {period} is not in the spend store")
    folder = store / entry.folder
    return DailyCostSource(
        period=period,
        daily_paths=(str(folder / "daily.parquet"),),
        line_item_paths=tuple(str(folder / f) for f in entry.line_item_files),
        tag_columns=entry.tag_columns,
    )


def accounts_seen(
    store: Path, manifest: Manifest, con: duckdb.DuckDBPyConnection
) -> list[SeenAccount]:
    """Usage accounts the CUR shows, with the first usage day and the latest known name."""
    if not manifest.periods:
        return []
    files = [store / e.folder / "accounts.parquet" for e in manifest.periods.values()]
    rows = con.execute(
        f"""
        SELECT account_id,
               arg_max(account_name, billing_period)
                   FILTER (WHERE account_name IS NOT NULL),
               min(first_seen)
        FROM read_parquet({path_list(files)})
        GROUP BY account_id
        ORDER BY account_id
        """
    ).fetchall()
    return [SeenAccount(account_id=r[0], name=r[1], first_seen=r[2]) for r in rows]


def invoice_amounts(
    store: Path, manifest: Manifest, con: duckdb.DuckDBPyConnection, period: str
) -> list[tuple[str | None, str, str, Decimal]]:
    """What each account adds to each invoice of `period` (invoice id, account, currency,
    unblended cost of every line item). A period materialized before the store kept
    `invoices.parquet` is answered from its accounts when it has one invoice (or none)."""
    entry = manifest.periods.get(period)
    if entry is None:
        raise NotFound(f"billing period {period} is not in the spend store")
    folder = store / entry.folder
    invoices = folder / "invoices.parquet"
    if invoices.is_file():
        rows = con.execute(
            f"SELECT invoice_id, account_id, COALESCE(currency, 'USD'), unblended_cost "
            f"FROM read_parquet({path_list([invoices])}) "
            "ORDER BY invoice_id NULLS LAST, account_id, currency"
        ).fetchall()
        return [(r[0], r[1], r[2], Decimal(r[3])) for r in rows]
    if len(entry.invoice_ids) > 1:
        raise NotFound(f"billing period {period} must be refreshed again to split its invoices")
    invoice = entry.invoice_ids[0] if entry.invoice_ids else None
    rows = con.execute(
        f"SELECT account_id, sum(unblended_cost) "
        f"FROM read_parquet({path_list([folder / 'accounts.parquet'])}) "
        "GROUP BY account_id ORDER BY account_id"
    ).fetchall()
    currency = entry.currency.split(",")[0] or "USD"
    return [(invoice, r[0], currency, Decimal(r[1])) for r in rows]
