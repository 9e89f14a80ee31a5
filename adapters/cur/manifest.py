"""The spend store's manifest: the billing periods in force, written atomically.

`manifest.json` is the store's commit point. A refresh writes every new file first, then
replaces the manifest with `os.replace`; readers only follow the manifest, so they see either
the old store or the new one, never a mix.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from domain.spend.models import BillingPeriod

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class PeriodEntry:
    """A billing period in the manifest: where its files are and the figures shown for it."""

    period: str
    folder: str
    finalized: bool
    invoice_ids: tuple[str, ...]
    rows: int
    total_unblended_cost: Decimal
    refreshed_at: datetime
    currency: str
    format: str
    tag_columns: tuple[str, ...]
    line_item_files: tuple[str, ...]
    source: str
    # the source files the period was read from: (path relative to the source, size, version:
    # a local file's mtime, an S3 object's ETag and LastModified); () when unknown, or when
    # the refresh also read files that do not name their billing period
    sources: tuple[tuple[str, int, str], ...] = ()
    # the spend engine that materialized the period's files (manifests written before the
    # engine was recorded: DuckDB, the only engine then)
    engine: str = "duckdb"

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "folder": self.folder,
            "finalized": self.finalized,
            "invoice_ids": list(self.invoice_ids),
            "rows": self.rows,
            "total_unblended_cost": str(self.total_unblended_cost),
            "refreshed_at": self.refreshed_at.isoformat(),
            "currency": self.currency,
            "format": self.format,
            "tag_columns": list(self.tag_columns),
            "line_item_files": list(self.line_item_files),
            "source": self.source,
            "sources": [list(f) for f in self.sources],
            "engine": self.engine,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> PeriodEntry:
        return cls(
            period=raw["period"],
            folder=raw["folder"],
            finalized=bool(raw["finalized"]),
            invoice_ids=tuple(raw["invoice_ids"]),
            rows=int(raw["rows"]),
            total_unblended_cost=Decimal(raw["total_unblended_cost"]),
            refreshed_at=datetime.fromisoformat(raw["refreshed_at"]),
            currency=raw["currency"],
            format=raw["format"],
            tag_columns=tuple(raw["tag_columns"]),
            line_item_files=tuple(raw["line_item_files"]),
            source=raw["source"],
            sources=tuple((str(r), int(n), str(v)) for r, n, v in raw.get("sources", [])),
            engine=str(raw.get("engine", "duckdb")),
        )

    def as_billing_period(self) -> BillingPeriod:
        return BillingPeriod(
            period=self.period,
            finalized=self.finalized,
            invoice_ids=self.invoice_ids,
            rows=self.rows,
            total_unblended_cost=self.total_unblended_cost,
            refreshed_at=self.refreshed_at,
            currency=self.currency,
            format=self.format,
            engine=self.engine,
        )


@dataclass(frozen=True)
class Manifest:
    """Period -> entry, for every billing period in the store."""

    periods: dict[str, PeriodEntry] = field(default_factory=dict)

    def latest(self) -> str | None:
        return max(self.periods) if self.periods else None


class ManifestFile:
    """Reads (cached by file identity) and atomically replaces `<store>/manifest.json`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cache: tuple[tuple[int, int, int], Manifest] | None = None

    def load(self) -> Manifest:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return Manifest()
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        cached = self._cache
        if cached is not None and cached[0] == key:
            return cached[1]
        raw = json.loads(self.path.read_text(encoding="utf-8"))
        if raw.get("version") != MANIFEST_VERSION:
            raise ValueError(f"{self.path}: unknown manifest version {raw.get('version')!r}")
        manifest = Manifest(
            {p: PeriodEntry.from_json(e) for p, e in sorted(raw.get("periods", {}).items())}
        )
        self._cache = (key, manifest)
        return manifest

    def write(self, manifest: Manifest) -> None:
        body = {
            "version": MANIFEST_VERSION,
            "periods": {p: e.to_json() for p, e in sorted(manifest.periods.items())},
        }
        fd, tmp = tempfile.mkstemp(prefix=".manifest-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(body, out, indent=2, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        fsync_dir(self.path.parent)


def fsync_dir(path: Path) -> None:
    """Make a rename inside `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
