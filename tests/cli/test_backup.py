"""`finops backup` and `finops restore`: a round trip answers the same, a damaged backup
restores nothing, PostgreSQL is told to use pg_dump."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

FINOPS = Path(sys.executable).parent / "finops"


def run(data: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FINOPS_")}
    clean.update({"FINOPS_DATA_DIR": str(data), "FINOPS_JWT_SECRET": "s" * 40, **env})
    return subprocess.run(
        [str(FINOPS), *args], capture_output=True, text=True, env=clean, timeout=300, check=False
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def rows(data: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(data / "finops.db")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


class TestBackupRoundTrip:
    def test_a_restored_copy_answers_the_same(self, tmp_path):
        live, saved, restored = tmp_path / "live", tmp_path / "backup", tmp_path / "restored"
        ok(run(live, "db", "upgrade"))
        ok(run(live, "admin", "create", "--email", "a@corp.example", "--password", "x" * 12))
        ok(run(live, "demo", "generate-cur", "--out", str(live / "cur"), "--rows", "2000",
               "--months", "1", "--start", "2026-09"))  # fmt: skip
        ok(run(live, "cur", "refresh"))
        assert "backed up" in ok(run(live, "backup", str(saved)))
        listed = json.loads((saved / "backup.json").read_text())["files"]
        assert "finops.db" in listed
        assert "data/cur-store/manifest.json" in listed
        assert len(listed["finops.db"]) == 64

        assert "checksums verified" in ok(run(restored, "restore", "--from", str(saved)))
        assert ok(run(restored, "audit", "verify")) == ok(run(live, "audit", "verify"))
        query = "SELECT id, email, role FROM users ORDER BY id"
        assert rows(restored, query) == rows(live, query)
        assert (restored / "cur-store" / "manifest.json").read_bytes() == (
            live / "cur-store" / "manifest.json"
        ).read_bytes()
        periods = ok(run(restored, "cur", "refresh"))  # the restored store reads as the live one
        assert "2026-09" in periods

    def test_a_damaged_backup_restores_nothing(self, tmp_path):
        live, saved, restored = tmp_path / "live", tmp_path / "backup", tmp_path / "restored"
        ok(run(live, "db", "upgrade"))
        ok(run(live, "backup", "--out", str(saved)))
        with (saved / "finops.db").open("ab") as f:
            f.write(b"\0")
        result = run(restored, "restore", str(saved))
        assert result.returncode == 1
        assert "finops.db does not match its SHA-256" in result.stderr
        assert not (restored / "finops.db").exists()

    def test_restore_does_not_overwrite_a_database_without_force(self, tmp_path):
        live, saved = tmp_path / "live", tmp_path / "backup"
        ok(run(live, "db", "upgrade"))
        ok(run(live, "backup", str(saved)))
        result = run(live, "restore", str(saved))
        assert result.returncode == 1
        assert "--force" in result.stderr
        ok(run(live, "restore", str(saved), "--force"))

    def test_postgresql_is_told_to_use_pg_dump(self, tmp_path):
        result = run(
            tmp_path / "data",
            "backup",
            str(tmp_path / "out"),
            FINOPS_DATABASE_URL="postgresql+asyncpg://nobody@127.0.0.1/none",
        )
        assert result.returncode == 1
        assert "pg_dump" in result.stderr
