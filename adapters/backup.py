"""`finops backup` / `finops restore` for the embedded deployment: the SQLite database through
its online backup API (a consistent copy while the service runs) and the data folder (spend
store, uploaded files, secrets) copied while holding the CUR refresh lock, so no refresh swaps
the store half way through the copy. `backup.json` lists every file with its SHA-256; restore
checks them all before it touches anything. PostgreSQL deployments use pg_dump for the
database (docs/hardening.md) and this folder copy for the rest."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url

from adapters.clock import utc_now
from domain.errors import ErrorDetail, RuleViolation

MANIFEST = "backup.json"
DATABASE = "finops.db"
# not worth restoring: SQLite's own side files (the backup API copies their content), the
# log-in throttle (transient), the store's lock and a refresh's leftovers
SKIPPED = {"finops.db", "finops.db-wal", "finops.db-shm", "finops.db-journal", "login-failures.db"}
SKIPPED_PARTS = {".staging", ".lock"}


@dataclass(frozen=True)
class BackupReport:
    folder: Path
    files: int
    bytes: int


def sqlite_path(database_url: str) -> Path | None:
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or not url.database:
        return None
    return Path(url.database)


def backup(database_url: str, data_dir: Path, out: Path) -> BackupReport:
    database = sqlite_path(database_url)
    if database is None:
        raise _refused(
            "database",
            "this command backs up the embedded SQLite database; back up PostgreSQL with "
            "pg_dump and this data folder with `finops backup --data-only` (docs/hardening.md)",
        )
    _empty_folder(out)
    with _refresh_lock(data_dir):
        _sqlite_copy(database, out / DATABASE)
        _copy_data(data_dir, out / "data")
    return _seal(out)


def backup_data_only(data_dir: Path, out: Path) -> BackupReport:
    _empty_folder(out)
    with _refresh_lock(data_dir):
        _copy_data(data_dir, out / "data")
    return _seal(out)


def restore(src: Path, database_url: str, data_dir: Path, *, force: bool = False) -> BackupReport:
    """Check every file of the backup against backup.json, then put the database and the data
    folder in place. Refused (nothing touched) on any missing or altered file, or when the
    target holds a database and `force` is not given."""
    listed = verify(src)
    database = sqlite_path(database_url)
    if (src / DATABASE).exists():
        if database is None:
            raise _refused("database", "the backup holds a SQLite database; restore it with SQLite")
        if database.exists() and not force:
            raise _refused("database", f"{database} exists: stop the service and pass --force")
    elif database is not None and not force and database.exists():
        raise _refused("database", f"{database} exists: stop the service and pass --force")
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _refresh_lock(data_dir):
        for entry in sorted((src / "data").iterdir()) if (src / "data").is_dir() else []:
            target = data_dir / entry.name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            if entry.is_dir():
                shutil.copytree(entry, target)
            else:
                shutil.copy2(entry, target)
        if (src / DATABASE).exists() and database is not None:
            for side in ("-wal", "-shm", "-journal"):
                Path(f"{database}{side}").unlink(missing_ok=True)
            _sqlite_copy(src / DATABASE, database)
    return BackupReport(src, len(listed), sum(f.stat().st_size for f in _files(src)))


def verify(src: Path) -> dict[str, str]:
    try:
        listed: dict[str, str] = json.loads((src / MANIFEST).read_text())["files"]
    except (OSError, ValueError, KeyError) as exc:
        raise _refused(MANIFEST, f"no readable {MANIFEST} in {src}: {exc}") from None
    problems = []
    for name, digest in listed.items():
        path = src / name
        if not path.is_file():
            problems.append(ErrorDetail(message=f"{name} is missing", field=name))
        elif _sha256(path) != digest:
            problems.append(ErrorDetail(message=f"{name} does not match its SHA-256", field=name))
    extra = {str(p.relative_to(src)) for p in _files(src)} - set(listed) - {MANIFEST}
    problems += [ErrorDetail(message=f"{n} is not in {MANIFEST}", field=n) for n in sorted(extra)]
    if problems:
        raise RuleViolation("the backup does not match backup.json: nothing was restored", problems)
    return listed


def _sqlite_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    target.chmod(0o600)


def _copy_data(data_dir: Path, out: Path) -> None:
    def ignore(folder: str, names: list[str]) -> set[str]:
        top = Path(folder) == data_dir
        return {n for n in names if n in SKIPPED_PARTS or (top and n in SKIPPED)}

    shutil.copytree(data_dir, out, ignore=ignore)


def _seal(out: Path) -> BackupReport:
    files = {str(p.relative_to(out)): _sha256(p) for p in _files(out)}
    (out / MANIFEST).write_text(
        json.dumps({"created_at": utc_now().isoformat(), "files": files}, indent=2)
    )
    return BackupReport(out, len(files), sum((out / f).stat().st_size for f in files))


def _files(root: Path) -> Iterator[Path]:
    return (p for p in sorted(root.rglob("*")) if p.is_file() and p.name != MANIFEST)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _empty_folder(out: Path) -> None:
    if out.exists() and any(out.iterdir()):
        raise _refused("out", f"{out} is not empty: back up into a new or empty folder")
    out.mkdir(mode=0o700, parents=True, exist_ok=True)


@contextlib.contextmanager
def _refresh_lock(data_dir: Path) -> Iterator[None]:
    """The lock a CUR refresh holds (adapters/cur/refresh.py): no store swap meanwhile."""
    store = data_dir / "cur-store"
    if not store.is_dir():
        yield
        return
    with open(store / ".lock", "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _refused(field: str, message: str) -> RuleViolation:
    return RuleViolation(message, [ErrorDetail(message=message, field=field)])
