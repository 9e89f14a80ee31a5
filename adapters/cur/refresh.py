"""The store folder's life: one refresh at a time, written aside, swapped in at once.

Everything a refresh writes goes under `<store>/.staging/<refresh>/`; only when every period
is complete are its folders renamed into `periods/` and `manifest.json` replaced with
`os.replace` (fsynced): that rename is the commit point, so a refresh that fails (an
unreadable file, a full disk) leaves the store exactly as it was. Refreshes are serialized by
a lock file (across processes too); reads run in parallel, and a superseded period folder is
deleted only once no read is using it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from adapters.clock import utc_now
from adapters.cur.formats import period_hint
from adapters.cur.manifest import Manifest, ManifestFile, PeriodEntry, fsync_dir
from adapters.cur.s3 import Listed
from domain.errors import ErrorDetail, RuleViolation
from domain.periods import is_billing_period

Progress = Callable[[str, int, int], None]

# How long a refresh waits for in-flight reads before leaving superseded folders to the next
# refresh's clean-up.
READER_GRACE_SECONDS = 30.0


class StoreFolder:
    """`<store>/`: its manifest, the reads in flight, and the lock serializing refreshes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        (path / "periods").mkdir(exist_ok=True)
        self.manifest = ManifestFile(path / "manifest.json")
        self._write_lock = threading.Lock()
        self._readers = 0
        self._readers_changed = threading.Condition()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Manifest]:
        """The manifest in force; its folders are not deleted while the block runs."""
        with self._readers_changed:
            self._readers += 1
        try:
            yield self.manifest.load()
        finally:
            with self._readers_changed:
                self._readers -= 1
                self._readers_changed.notify_all()

    @contextlib.contextmanager
    def staging(self) -> Iterator[tuple[Path, str]]:
        """Hold the refresh lock and give a fresh staging folder and its token; what a crashed
        or superseded refresh left is removed first, the staging folder after."""
        with self._write_lock, open(self.path / ".lock", "a+") as lock_file:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
            try:
                self._collect_garbage()
                token = utc_now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
                staging = self.path / ".staging" / token
                staging.mkdir(parents=True)
                try:
                    yield staging, token
                finally:
                    shutil.rmtree(staging, ignore_errors=True)
            finally:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)

    def swap(self, entries: Sequence[PeriodEntry], staging: Path) -> None:
        """Move the new period folders in and replace the manifest: the store's commit point."""
        for e in entries:
            os.rename(staging / "periods" / e.period, self.path / e.folder)
        fsync_dir(self.path / "periods")
        old = self.manifest.load()
        periods = dict(old.periods)
        superseded = []
        for e in entries:
            if e.period in periods:
                superseded.append(periods[e.period].folder)
            periods[e.period] = e
        self.manifest.write(Manifest(dict(sorted(periods.items()))))
        with self._readers_changed:
            idle = self._readers_changed.wait_for(
                lambda: self._readers == 0, timeout=READER_GRACE_SECONDS
            )
        if idle:
            for folder in superseded:
                shutil.rmtree(self.path / folder, ignore_errors=True)

    def _collect_garbage(self) -> None:
        """Remove what a crashed or superseded refresh left: staging and unreferenced folders."""
        shutil.rmtree(self.path / ".staging", ignore_errors=True)
        referenced = {e.folder for e in self.manifest.load().periods.values()}
        for folder in (self.path / "periods").iterdir():
            if f"periods/{folder.name}" not in referenced:
                shutil.rmtree(folder, ignore_errors=True)


def wanted_periods(periods: Iterable[str] | None) -> frozenset[str] | None:
    """The billing periods a refresh is asked for (None: every period found)."""
    if periods is None:
        return None
    if isinstance(periods, str):
        periods = [periods]
    chosen = frozenset(p.strip() for p in periods)
    bad = sorted(p for p in chosen if not is_billing_period(p))
    if bad:
        raise RuleViolation(
            f"billing periods must look like YYYY-MM: {', '.join(bad)}",
            errors=[ErrorDetail(message=f"{p}: YYYY-MM expected", field="periods") for p in bad],
        )
    return chosen


def source_files(listed: Iterable[Listed]) -> dict[str, tuple[tuple[str, int, str], ...]] | None:
    """Billing period -> the fingerprints of the files whose path names it; None when a file
    names no period (its rows may belong to any period, so no period's file set is known)."""
    found: dict[str, set[tuple[str, int, str]]] = {}
    for f in listed:
        hint = period_hint(f.relative)
        if hint is None:
            return None
        found.setdefault(hint, set()).add(f.fingerprint)
    return {p: tuple(sorted(prints)) for p, prints in found.items()}


def unchanged_periods(
    store: Path,
    manifest: Manifest,
    listed: Sequence[Listed],
    *,
    source: str,
    wanted: frozenset[str] | None,
    keep: bool,
) -> dict[str, PeriodEntry]:
    """The periods of this delivery that the store already holds from the very same files
    (same source, same paths, sizes and versions) and with the line items kept or not as
    asked: a redelivery need not read them again."""
    files = source_files(listed)
    if files is None:
        return {}
    out = {}
    for period, prints in files.items():
        entry = manifest.periods.get(period)
        if (
            entry is not None
            and (wanted is None or period in wanted)
            and entry.source == source
            and entry.sources == prints
            and bool(entry.line_item_files) == keep
            and (store / entry.folder).is_dir()
        ):
            out[period] = entry
    return out


def no_progress(stage: str, done: int, total: int) -> None:
    del stage, done, total
