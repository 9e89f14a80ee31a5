"""The synthetic CUR 2.0 generator, and refreshing from S3 (moto)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import boto3
import duckdb
import pytest
from moto import mock_aws

from adapters.cur.generator import generate_cur
from adapters.cur.store import CurStore
from domain.errors import RuleViolation


def digest(files: list[Path]) -> list[str]:
    return [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]


class TestGenerator:
    def test_writes_the_data_exports_layout(self, generated_cur: Path) -> None:
        files = sorted(p.relative_to(generated_cur).as_posix() for p in generated_cur.rglob("*"))

        assert "data/BILLING_PERIOD=2026-01/part-0.parquet" in files
        assert "data/BILLING_PERIOD=2026-03/part-1.parquet" in files
        assert len([f for f in files if f.endswith(".parquet")]) == 6

    def test_columns_are_typed_like_cur_2(self, generated_cur: Path) -> None:
        scan = f"read_parquet('{generated_cur}/data/*/*.parquet', hive_partitioning = false)"
        columns = {r[0]: r[1] for r in duckdb.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()}

        assert columns["line_item_usage_account_id"] == "VARCHAR"
        assert columns["line_item_unblended_cost"] == "DOUBLE"
        assert columns["line_item_usage_start_date"] == "TIMESTAMP"
        assert columns["resource_tags"] == "MAP(VARCHAR, VARCHAR)"
        assert columns["product"] == "MAP(VARCHAR, VARCHAR)"
        assert columns["cost_category"] == "MAP(VARCHAR, VARCHAR)"

    def test_rows_accounts_and_invoices(self, generated_cur: Path) -> None:
        per_month = duckdb.execute(
            f"""
            SELECT strftime(bill_billing_period_start_date, '%Y-%m'), count(*),
                   count(DISTINCT line_item_usage_account_id),
                   list(DISTINCT bill_invoice_id),
                   count(*) FILTER (WHERE line_item_usage_start_date
                                    < bill_billing_period_start_date
                                    OR line_item_usage_start_date
                                    >= bill_billing_period_end_date)
            FROM read_parquet('{generated_cur}/data/*/*.parquet')
            GROUP BY 1 ORDER BY 1
            """
        ).fetchall()
        accounts = [
            r[0]
            for r in duckdb.execute(
                "SELECT DISTINCT line_item_usage_account_id "
                f"FROM read_parquet('{generated_cur}/data/*/*.parquet')"
            ).fetchall()
        ]
        types = {
            r[0]
            for r in duckdb.execute(
                "SELECT DISTINCT line_item_line_item_type "
                f"FROM read_parquet('{generated_cur}/data/*/*.parquet')"
            ).fetchall()
        }

        assert [m[:2] for m in per_month] == [
            ("2026-01", 10_000),
            ("2026-02", 10_000),
            ("2026-03", 10_000),
        ]
        assert all(m[2] <= 9 for m in per_month)
        assert [len(m[3]) for m in per_month] == [1, 1, 1]
        assert per_month[0][3][0]
        assert per_month[1][3][0]
        assert per_month[2][3] == [""]
        assert all(m[4] == 0 for m in per_month)
        assert all(len(a) == 12 and a.isdigit() for a in accounts)
        assert any(a.startswith("0") for a in accounts)
        assert {
            "Usage",
            "DiscountedUsage",
            "SavingsPlanCoveredUsage",
            "Tax",
            "Credit",
            "EdpDiscount",
            "RIFee",
        } <= types

    def test_a_seed_always_gives_the_same_files(self, tmp_path: Path) -> None:
        first = generate_cur(tmp_path / "a", rows=3_000, accounts=4, resources=30, months=2)
        again = generate_cur(tmp_path / "b", rows=3_000, accounts=4, resources=30, months=2)
        other = generate_cur(tmp_path / "c", rows=3_000, accounts=4, resources=30, months=2, seed=1)

        assert digest(first) == digest(again)
        assert digest(first) != digest(other)

    def test_final_months_sets_how_many_months_carry_an_invoice(self, tmp_path: Path) -> None:
        generate_cur(tmp_path, rows=1_200, accounts=2, resources=10, months=3, final_months=3)

        invoices = duckdb.execute(
            f"SELECT count(DISTINCT bill_invoice_id) FILTER (WHERE bill_invoice_id <> '') "
            f"FROM read_parquet('{tmp_path}/data/*/*.parquet')"
        ).fetchone()

        assert invoices == (3,)


BUCKET = "finops-cur-exports"
PREFIX = "cur2/acme/data"


@pytest.fixture
def s3() -> Iterator[object]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def upload(client: object, folder: Path) -> None:
    for path in sorted(folder.rglob("*.parquet")):
        key = f"{PREFIX}/{path.relative_to(folder / 'data').as_posix()}"
        client.upload_file(str(path), BUCKET, key)  # type: ignore[attr-defined]
    # Data Exports also writes manifests; they are not data and must be skipped
    manifest = f"{PREFIX}/BILLING_PERIOD=2026-01/acme-Manifest.json"
    client.put_object(Bucket=BUCKET, Key=manifest, Body=b"{}")  # type: ignore[attr-defined]


class TestS3Source:
    def test_refreshes_from_an_s3_prefix(
        self, s3: object, generated_cur: Path, tmp_path: Path
    ) -> None:
        upload(s3, generated_cur)

        with CurStore(tmp_path / "store", s3_client=s3) as store:
            periods = store.refresh(f"s3://{BUCKET}/{PREFIX}", periods=["2026-02"])
        with CurStore(tmp_path / "local") as store:
            [local] = store.refresh(str(generated_cur), periods=["2026-02"])

        assert [p.period for p in periods] == ["2026-02"]
        assert periods[0].rows == local.rows
        assert periods[0].total_unblended_cost == local.total_unblended_cost
        assert periods[0].finalized

    def test_a_corrupt_object_is_named_by_its_s3_uri(
        self, s3: object, generated_cur: Path, tmp_path: Path
    ) -> None:
        upload(s3, generated_cur)
        key = f"{PREFIX}/BILLING_PERIOD=2026-01/part-0.parquet"
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"garbage")  # type: ignore[attr-defined]

        with CurStore(tmp_path / "store", s3_client=s3) as store:
            with pytest.raises(RuleViolation) as caught:
                store.refresh(f"s3://{BUCKET}/{PREFIX}")
            assert store.billing_periods() == []

        assert f"s3://{BUCKET}/{key}" in caught.value.message
