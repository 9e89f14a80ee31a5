"""A period delivered again with the same files is not read again; a changed file is."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from adapters.cur import store as store_module
from adapters.cur.store import CurStore

PERIODS = ["2026-01", "2026-02", "2026-03"]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The relative paths of the files each materialization read."""
    seen: list[set[str]] = []
    real = store_module.materialize

    def counting(con: object, located: list[tuple[Path, str, str]], **kwargs: object) -> object:
        seen.append({relative for _, _, relative in located})
        return real(con, located, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "materialize", counting)
    return seen


@pytest.fixture
def delivery(generated_cur: Path, tmp_path: Path) -> Path:
    """A copy of the generated CUR that a test may modify."""
    out = tmp_path / "delivery"
    shutil.copytree(generated_cur, out)
    return out


def manifest(store_dir: Path) -> dict[str, object]:
    return json.loads((store_dir / "manifest.json").read_text())  # type: ignore[no-any-return]


def folders(store_dir: Path) -> dict[str, str]:
    periods = manifest(store_dir)["periods"]
    assert isinstance(periods, dict)
    return {p: e["folder"] for p, e in periods.items()}


class TestLocalRedelivery:
    def test_the_same_files_again_are_not_read_and_the_store_stays_as_it_was(
        self, store: CurStore, delivery: Path, tmp_path: Path, reads: list[set[str]]
    ) -> None:
        first = store.refresh(str(delivery))
        before = (tmp_path / "store" / "manifest.json").read_bytes()

        again = store.refresh(str(delivery))

        assert len(reads) == 1
        assert again == first  # same figures, same refreshed_at: answered as unchanged
        assert (tmp_path / "store" / "manifest.json").read_bytes() == before

    def test_the_manifest_records_each_periods_files_with_size_and_mtime(
        self, store: CurStore, delivery: Path, tmp_path: Path
    ) -> None:
        store.refresh(str(delivery), periods=["2026-02"])

        entry = manifest(tmp_path / "store")["periods"]["2026-02"]  # type: ignore[index]
        files = sorted((delivery / "data" / "BILLING_PERIOD=2026-02").glob("*.parquet"))
        assert entry["sources"] == [
            [
                f"data/BILLING_PERIOD=2026-02/{f.name}",
                f.stat().st_size,
                f"mtime:{f.stat().st_mtime_ns}",
            ]
            for f in files
        ]

    def test_a_touched_file_rereads_its_period_only(
        self, store: CurStore, delivery: Path, tmp_path: Path, reads: list[set[str]]
    ) -> None:
        store.refresh(str(delivery))
        before = folders(tmp_path / "store")
        touched = sorted((delivery / "data" / "BILLING_PERIOD=2026-02").glob("*.parquet"))[0]
        st = touched.stat()
        os.utime(touched, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))

        periods = store.refresh(str(delivery))

        assert [p.period for p in periods] == PERIODS
        assert {r.split("/")[1] for r in reads[1]} == {"BILLING_PERIOD=2026-02"}
        after = folders(tmp_path / "store")
        assert after["2026-02"] != before["2026-02"]
        assert after["2026-01"] == before["2026-01"]
        assert after["2026-03"] == before["2026-03"]

    def test_a_modified_or_removed_file_rereads_its_period(
        self, store: CurStore, delivery: Path, reads: list[set[str]]
    ) -> None:
        [before] = store.refresh(str(delivery), periods=["2026-03"])
        files = sorted((delivery / "data" / "BILLING_PERIOD=2026-03").glob("*.parquet"))
        files[0].unlink()

        [after] = store.refresh(str(delivery), periods=["2026-03"])

        assert len(reads) == 2
        assert after.rows < before.rows

    def test_an_unchanged_period_asked_for_alone_is_not_read(
        self, store: CurStore, delivery: Path, reads: list[set[str]]
    ) -> None:
        store.refresh(str(delivery))

        [again] = store.refresh(str(delivery), periods=["2026-01"])

        assert len(reads) == 1
        assert again.period == "2026-01"

    def test_asking_for_line_items_rereads(
        self, store: CurStore, delivery: Path, reads: list[set[str]]
    ) -> None:
        store.refresh(str(delivery), periods=["2026-01"])

        store.refresh(str(delivery), periods=["2026-01"], keep_line_items=True)

        assert len(reads) == 2
        assert store.daily_costs("2026-01").line_item_paths

    def test_the_same_files_under_another_source_are_read(
        self, store: CurStore, delivery: Path, tmp_path: Path, reads: list[set[str]]
    ) -> None:
        store.refresh(str(delivery), periods=["2026-01"])
        moved = tmp_path / "moved"
        shutil.copytree(delivery, moved)

        store.refresh(str(moved), periods=["2026-01"])

        assert len(reads) == 2


BUCKET = "finops-cur-exports"
PREFIX = "cur2/acme/data"


@pytest.fixture
def s3() -> Iterator[object]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


class TestS3Redelivery:
    def test_unchanged_objects_are_neither_downloaded_nor_read_a_new_etag_is(
        self,
        s3: object,
        generated_cur: Path,
        tmp_path: Path,
        reads: list[set[str]],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        keys = []
        for path in sorted((generated_cur / "data").rglob("*.parquet")):
            key = f"{PREFIX}/{path.relative_to(generated_cur / 'data').as_posix()}"
            s3.upload_file(str(path), BUCKET, key)  # type: ignore[attr-defined]
            keys.append(key)
        downloads: list[str] = []
        real = s3.download_file  # type: ignore[attr-defined]

        def counting(bucket: str, key: str, target: str) -> None:
            downloads.append(key)
            real(bucket, key, target)

        monkeypatch.setattr(s3, "download_file", counting)
        source = f"s3://{BUCKET}/{PREFIX}"
        with CurStore(tmp_path / "store", s3_client=s3) as store:
            first = store.refresh(source)
            assert store.refresh(source) == first
            assert len(reads) == 1
            assert len(downloads) == len(keys)

            # another January object's bytes under this key: a new ETag, so January is read again
            jan = [k for k in keys if "2026-01" in k]
            assert len(jan) >= 2
            body = s3.get_object(Bucket=BUCKET, Key=jan[0])["Body"].read()  # type: ignore[attr-defined]
            s3.put_object(Bucket=BUCKET, Key=jan[1], Body=body)  # type: ignore[attr-defined]
            again = store.refresh(source)

        assert len(reads) == 2
        assert {r.split("/")[0] for r in reads[1]} == {"BILLING_PERIOD=2026-01"}
        assert set(downloads[len(keys) :]) == set(jan)
        assert [p.period for p in again] == PERIODS
        assert again[1:] == first[1:]  # February and March as they were
