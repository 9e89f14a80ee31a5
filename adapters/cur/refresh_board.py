"""The CUR refresh's progress board: one small JSON file in the data folder, replaced
atomically at each step, so that every server process (and the refresh button polling any of
them) reads where the running refresh stands, and the last refresh once it is over."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from domain.spend.models import RefreshStatus

# stages of CurStore.refresh (see adapters/cur/materialize.py)
_PERIOD_STAGES = frozenset({"accounts"})


class FileRefreshBoard:
    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        self._lock = threading.Lock()
        self._status: RefreshStatus | None = None

    def start(self, *, by: str, source: str, at: datetime) -> None:
        with self._lock:
            self._status = RefreshStatus(state="running", by=by, source=source, started_at=at)
            self._write(self._status)

    def report(self, stage: str, done: int, total: int) -> None:
        """A step of the refresh (called from its worker thread)."""
        with self._lock:
            status = self._status
            if status is None:
                return
            if stage == "rows":
                status = replace(status, rows_read=done)
            elif stage in _PERIOD_STAGES:
                status = replace(status, stage=stage, periods_done=done, periods_total=total)
            else:
                status = replace(status, stage=stage, done=done, total=total)
            self._status = status
            self._write(status)

    def finish(
        self, *, at: datetime, failed: bool, periods: Sequence[str], message: str | None
    ) -> RefreshStatus | None:
        with self._lock:
            status = self._status
            if status is None:
                return None
            status = replace(
                status,
                state="failed" if failed else "done",
                stage="done" if not failed else status.stage,
                finished_at=at,
                periods=tuple(periods),
                periods_done=status.periods_done if failed else len(periods),
                periods_total=status.periods_total if failed else len(periods),
                message=message,
            )
            self._status = None
            self._write(status)
            return status

    def read(self) -> RefreshStatus | None:
        try:
            raw = json.loads(self._path.read_text())
        except (FileNotFoundError, ValueError):
            return None
        try:
            return _from_json(raw)
        except (KeyError, TypeError, ValueError):
            return None

    def _write(self, status: RefreshStatus) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self._path.parent, prefix=".refresh-", suffix=".json")
        with os.fdopen(fd, "w") as out:
            json.dump(_to_json(status), out)
        os.replace(tmp, self._path)


def _to_json(status: RefreshStatus) -> dict[str, Any]:
    out = asdict(status)
    out["started_at"] = status.started_at.isoformat()
    out["finished_at"] = status.finished_at.isoformat() if status.finished_at else None
    out["periods"] = list(status.periods)
    return out


def _from_json(raw: dict[str, Any]) -> RefreshStatus:
    finished = raw.get("finished_at")
    return RefreshStatus(
        state=str(raw["state"]),
        by=str(raw["by"]),
        source=str(raw["source"]),
        started_at=datetime.fromisoformat(raw["started_at"]),
        stage=str(raw.get("stage", "")),
        done=int(raw.get("done", 0)),
        total=int(raw.get("total", 0)),
        periods_done=int(raw.get("periods_done", 0)),
        periods_total=int(raw.get("periods_total", 0)),
        rows_read=int(raw.get("rows_read", 0)),
        finished_at=datetime.fromisoformat(finished) if finished else None,
        periods=tuple(raw.get("periods", ())),
        message=raw.get("message"),
    )
