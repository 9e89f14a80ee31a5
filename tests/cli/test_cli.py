"""The `finops` command, run as a user runs it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

FINOPS = Path(sys.executable).parent / "finops"


def run(*args, tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FINOPS_")}
    clean.update({"FINOPS_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run(
        [str(FINOPS), *args], capture_output=True, text=True, env=clean, timeout=120, check=False
    )


class TestConfiguration:
    @pytest.mark.parametrize(
        ("env", "names"),
        [
            ({"FINOPS_DATABASE_URL": "mysql://db/finops"}, "FINOPS_DATABASE_URL"),
            ({"FINOPS_CURRENCY": "dollars"}, "FINOPS_CURRENCY"),
            ({"FINOPS_TOKEN_TTL_MINUTES": "forever"}, "FINOPS_TOKEN_TTL_MINUTES"),
            ({"FINOPS_OIDC_JWKS_URL": "https://idp/certs"}, "FINOPS_OIDC_ISSUER"),
            ({"FINOPS_WEBHOOK_SECRET": "x" * 31}, "FINOPS_WEBHOOK_SECRET"),
        ],
    )
    def test_bad_configuration_is_one_clear_line(self, tmp_path, env, names):
        result = run("db", "upgrade", tmp_path=tmp_path, **env)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert names in lines[0]
        assert "Traceback" not in result.stderr


class TestPrivateFiles:
    def test_the_data_folder_and_the_sqlite_database_are_for_the_owner_only(self, tmp_path):
        old = os.umask(0o022)
        try:
            result = run("db", "upgrade", tmp_path=tmp_path)
        finally:
            os.umask(old)
        assert result.returncode == 0, result.stderr
        data = tmp_path / "data"
        assert data.stat().st_mode & 0o777 == 0o700
        assert (data / "finops.db").stat().st_mode & 0o777 == 0o600


class TestCommands:
    def test_upgrade_create_admin_and_demo_are_idempotent(self, tmp_path):
        assert run("db", "upgrade", tmp_path=tmp_path).returncode == 0
        first = run(
            "admin",
            "create",
            "--email",
            "root@corp.com",
            "--password",
            "long-enough-1",
            tmp_path=tmp_path,
        )
        assert first.returncode == 0, first.stderr
        assert "created Admin root@corp.com" in first.stdout
        again = run(
            "admin",
            "create",
            "--email",
            "other@corp.com",
            "--password",
            "long-enough-2",
            tmp_path=tmp_path,
        )
        assert "already exists" in again.stdout
        short = run(
            "admin",
            "create",
            "--email",
            "x@corp.com",
            "--password",
            "short",
            tmp_path=tmp_path / "other",
        )
        assert short.returncode != 0
        assert "password" in short.stderr

    def test_generate_and_refresh_a_cur(self, tmp_path):
        out = tmp_path / "cur"
        generated = run(
            "demo",
            "generate-cur",
            "--out",
            str(out),
            "--rows",
            "4000",
            "--months",
            "2",
            "--start",
            "2026-05",
            tmp_path=tmp_path,
        )
        assert generated.returncode == 0, generated.stderr
        refreshed = run("cur", "refresh", "--source", str(out), tmp_path=tmp_path)
        assert refreshed.returncode == 0, refreshed.stderr
        assert "2026-05  final" in refreshed.stdout
        assert "2026-06  open" in refreshed.stdout
        broken = tmp_path / "broken"
        (broken / "data" / "BILLING_PERIOD=2026-05").mkdir(parents=True)
        (broken / "data" / "BILLING_PERIOD=2026-05" / "x.parquet").write_bytes(b"junk")
        refused = run("cur", "refresh", "--source", str(broken), tmp_path=tmp_path)
        assert refused.returncode == 1
        assert "x.parquet" in refused.stderr

    def test_openapi_document(self, tmp_path):
        result = run("openapi", tmp_path=tmp_path)
        assert result.returncode == 0
        assert '"operationId": "budgets-import_chart_of_accounts"' in result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TestServeWithWorkers:
    def test_two_workers_serve_the_api_and_stop(self, tmp_path, database_url):
        port = free_port()
        clean = {k: v for k, v in os.environ.items() if not k.startswith("FINOPS_")}
        clean.update(
            FINOPS_DATA_DIR=str(tmp_path / "data"),
            FINOPS_DATABASE_URL=database_url,
            FINOPS_JWT_SECRET="serve-test-" + "x" * 40,
        )
        server = subprocess.Popen(
            [str(FINOPS), "serve", "--workers", "2", "--port", str(port)],
            env=clean,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            statuses = []
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
                for _ in range(600):  # until both workers listen, or the server died
                    if server.poll() is not None:
                        break
                    try:
                        statuses = [http.get("/api/v1/health").status_code for _ in range(8)]
                        break
                    except httpx.TransportError:
                        time.sleep(0.1)
        finally:
            server.send_signal(signal.SIGINT)
            _out, err = server.communicate(timeout=60)
        assert statuses == [200] * 8, err
        workers = {
            line.split("[")[1].split("]")[0]
            for line in err.splitlines()
            if "Started server process" in line
        }
        assert len(workers) == 2, err
        assert server.returncode == 0, err

    def test_workers_must_be_positive(self, tmp_path):
        result = run("serve", "--workers", "0", tmp_path=tmp_path)
        assert result.returncode == 2
        assert "--workers" in result.stderr


class TestCardsGenerate:
    def test_generate_runs_as_of_a_day_and_is_idempotent(self, tmp_path):
        first = run("cards", "generate", "--as-of", "2026-11-02", tmp_path=tmp_path)
        assert first.returncode == 0, first.stderr
        assert "spend cards as of 2026-11-02: 0 created" in first.stdout
        again = run("cards", "generate", "--as-of", "2026-11-02", tmp_path=tmp_path)
        assert again.returncode == 0, again.stderr

    def test_a_bad_date_is_refused(self, tmp_path):
        result = run("cards", "generate", "--as-of", "02/11/2026", tmp_path=tmp_path)
        assert result.returncode == 2
        assert "is not a date" in result.stderr
        assert "Traceback" not in result.stderr


class TestCreditsApply:
    def test_apply_a_finished_month_twice(self, tmp_path):
        first = run("credits", "apply", "--period", "2026-01", tmp_path=tmp_path)
        assert first.returncode == 0, first.stderr
        assert "credits applied to 2026-01: 0 application(s)" in first.stdout
        again = run("credits", "apply", "--period", "2026-01", tmp_path=tmp_path)
        assert again.returncode == 0, again.stderr

    def test_a_month_not_over_or_not_a_month_is_refused(self, tmp_path):
        future = run("credits", "apply", "--period", "2999-01", tmp_path=tmp_path)
        assert future.returncode == 1
        assert "not over" in future.stderr
        bad = run("credits", "apply", "--period", "January", tmp_path=tmp_path)
        assert bad.returncode == 2
        assert "is not a month" in bad.stderr
        assert "Traceback" not in future.stderr + bad.stderr


class TestRecommendationsImport:
    def test_a_folder_imports_and_a_bad_file_changes_nothing(self, tmp_path):
        from adapters.recommendations.sample import SampleResource, sample_export, write_csv

        created = run(
            "admin",
            "create",
            "--email",
            "root@corp.com",
            "--password",
            "long-enough-1",
            tmp_path=tmp_path,
        )
        assert created.returncode == 0, created.stderr
        resources = [SampleResource("111122223333", f"i-0{n}") for n in range(4)]
        write_csv(tmp_path / "export" / "part-1.csv", sample_export(resources))
        first = run(
            "recommendations",
            "import",
            str(tmp_path / "export"),
            "--as",
            "root@corp.com",
            tmp_path=tmp_path,
        )
        assert first.returncode == 0, first.stderr
        assert "7 created" in first.stdout
        assert "unknown action types ModernizeToServerless" in first.stdout
        write_csv(tmp_path / "export" / "part-1.csv", sample_export(resources, drop=1))
        second = run(
            "recommendations",
            "import",
            str(tmp_path / "export"),
            "--as",
            "root@corp.com",
            tmp_path=tmp_path,
        )
        assert second.returncode == 0, second.stderr
        assert "1 resolved" in second.stdout
        rows = sample_export(resources)
        write_csv(tmp_path / "bad" / "x.csv", rows, [c for c in rows[0] if c != "resource_arn"])
        bad = run(
            "recommendations",
            "import",
            str(tmp_path / "bad"),
            "--as",
            "root@corp.com",
            tmp_path=tmp_path,
        )
        assert bad.returncode == 1
        assert "resource_arn" in bad.stderr
        assert "Traceback" not in bad.stderr
