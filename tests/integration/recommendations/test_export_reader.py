from __future__ import annotations

import gzip

import pytest

from adapters.recommendations.export import read_file, read_source, read_upload
from adapters.recommendations.sample import SampleResource, sample_export, write_csv, write_parquet
from domain.errors import RuleViolation
from domain.recommendations.importing import parse_export

RESOURCES = [
    SampleResource("111122223333", "i-0aa"),
    SampleResource("444455556666", "arn:aws:rds:us-east-1:444455556666:db:db-1"),
    SampleResource("444455556666", "bucket-1"),
]


def _parsed(table):
    return parse_export(table.columns, table.rows)


def test_parquet_csv_and_gzipped_csv_read_the_same(tmp_path):
    rows = sample_export(RESOURCES)
    csv_path = write_csv(tmp_path / "a.csv", rows)
    parquet = write_parquet(tmp_path / "a.parquet", rows)
    gz = tmp_path / "a.csv.gz"
    gz.write_bytes(gzip.compress(csv_path.read_bytes()))
    from_csv = _parsed(read_file(csv_path, "a.csv"))
    assert _parsed(read_file(parquet, "a.parquet")).rows == from_csv.rows
    assert _parsed(read_upload(gz.read_bytes(), "upload")).rows == from_csv.rows
    assert read_upload(parquet.read_bytes(), "x").file_format == "parquet"


def test_a_folder_is_one_export(tmp_path):
    rows = sample_export(RESOURCES)
    write_csv(tmp_path / "exp" / "part-1.csv", rows[:3])
    write_parquet(tmp_path / "exp" / "part-2.parquet", rows[3:])
    table = read_source(str(tmp_path / "exp"))
    assert table.file_format == "mixed"
    assert len(table.rows) == len(rows)
    assert _parsed(table).rows == parse_export(list(rows[0]), rows).rows


@pytest.mark.parametrize("data", [b"", b"PAR1garbage", b"\x1f\x8bnot gzip"])
def test_unreadable_files_are_rule_violations(data):
    with pytest.raises(RuleViolation) as e:
        read_upload(data, "bad")
    assert e.value.errors[0].field == "file"


def test_a_file_lacking_a_column_is_named(tmp_path):
    rows = sample_export(RESOURCES)
    path = write_csv(tmp_path / "a.csv", rows, [c for c in rows[0] if c != "action_type"])
    with pytest.raises(RuleViolation) as e:
        read_file(path, "a.csv")
    assert [d.column for d in e.value.errors] == ["action_type"]
