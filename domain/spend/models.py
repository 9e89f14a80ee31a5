"""Spend-side value objects: what the CUR store hands to the rest of the service.

Money is `Decimal` (the store materializes costs as DECIMAL(20,10)); nothing here knows
how the data was read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class BillingPeriod:
    """One billing month as materialized by the last refresh that delivered it.

    `finalized` is true when the CUR carries a non-empty invoice id for the month: AWS only
    writes the invoice id once the month's bill is issued.
    """

    period: str
    finalized: bool
    invoice_ids: tuple[str, ...]
    rows: int
    total_unblended_cost: Decimal
    refreshed_at: datetime
    currency: str
    format: str
    # the spend engine that materialized the period (`duckdb`, `spark`)
    engine: str = "duckdb"


@dataclass(frozen=True)
class ResourceRow:
    """A CUR resource (`line_item_resource_id`) with its cost in one billing period."""

    resource_id: str
    service: str | None
    account_id: str
    region: str | None
    tags: dict[str, str]
    cost: Decimal
    period: str


@dataclass(frozen=True)
class ResourcePage:
    """One page of resources; `next_cursor` is None on the last page; `total` counts every
    resource the search matches (None when not counted)."""

    items: tuple[ResourceRow, ...]
    next_cursor: str | None = None
    total: int | None = None


@dataclass(frozen=True)
class SeenAccount:
    """An AWS usage account as the CUR shows it: id (12 digits, kept as text), name, first usage."""

    account_id: str
    name: str | None
    first_seen: date


@dataclass(frozen=True)
class DailyCostSource:
    """Where the allocation engine reads a period's materialized spend.

    `daily_paths` hold one row per (account, resource, service, line item type, usage day) with
    every cost basis summed as DECIMAL(20,10) and `line_items`, the CUR rows behind it.
    `line_item_paths` hold the normalized line items, and are empty unless the refresh was asked
    to keep them. `tag_columns` name the period's tag keys (`tag_<key>`).
    """

    period: str
    daily_paths: tuple[str, ...]
    line_item_paths: tuple[str, ...] = field(default_factory=tuple)
    tag_columns: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RefreshStatus:
    """The last (or the running) CUR refresh, as the refresh button polls it: who or which
    delivery started it, where it stands (`stage`: files read, periods written, with `done`
    of `total`), the CUR rows read so far, and the outcome once finished."""

    state: str  # running | done | failed
    by: str
    source: str
    started_at: datetime
    stage: str = "starting"
    done: int = 0
    total: int = 0
    periods_done: int = 0
    periods_total: int = 0
    rows_read: int = 0
    finished_at: datetime | None = None
    periods: tuple[str, ...] = ()
    message: str | None = None

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 3)
