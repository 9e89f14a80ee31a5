"""Bad CUR input answers a rule violation and changes nothing in the store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from adapters.cur import materialize
from adapters.cur.store import CurStore
from domain.errors import RuleViolation, Unavailable
from tests.integration.cur.figures import store_files


class TestBadInputChangesNothing:
    @pytest.fixture
    def loaded(self, store: CurStore, generated_cur: Path, tmp_path: Path) -> Path:
        store.refresh(str(generated_cur))
        return tmp_path / "store"

    def snapshot(self, store: CurStore, store_dir: Path) -> tuple[object, ...]:
        return (
            store.billing_periods(),
            (store_dir / "manifest.json").read_bytes(),
            store_files(store_dir),
            store.resources(period="2026-01", limit=20),
        )

    def test_a_corrupt_parquet_file_is_named_and_nothing_changes(
        self, store: CurStore, generated_cur: Path, loaded: Path, tmp_path: Path
    ) -> None:
        before = self.snapshot(store, loaded)
        broken = tmp_path / "broken"
        shutil.copytree(generated_cur, broken)
        bad = broken / "data" / "BILLING_PERIOD=2026-02" / "part-1.parquet"
        bad.write_bytes(b"PAR1 this is not parquet at all " * 50)

        with pytest.raises(RuleViolation) as caught:
            store.refresh(str(broken))

        assert str(bad) in caught.value.message
        assert caught.value.errors[0].field == str(bad)
        assert self.snapshot(store, loaded) == before
        assert not (loaded / ".staging").exists() or not any((loaded / ".staging").iterdir())

    def test_corrupt_pages_behind_a_valid_footer_are_named_too(
        self, store: CurStore, generated_cur: Path, loaded: Path, tmp_path: Path
    ) -> None:
        before = self.snapshot(store, loaded)
        broken = tmp_path / "broken"
        shutil.copytree(generated_cur, broken)
        bad = broken / "data" / "BILLING_PERIOD=2026-01" / "part-1.parquet"
        data = bytearray(bad.read_bytes())
        # scramble the column chunks, keep the footer: the schema reads, the rows do not
        for i in range(200, len(data) // 2):
            data[i] = (data[i] * 7 + 13) % 256
        bad.write_bytes(bytes(data))

        with pytest.raises(RuleViolation) as caught:
            store.refresh(str(broken))

        assert str(bad) in caught.value.message
        assert self.snapshot(store, loaded) == before

    def test_a_csv_with_the_wrong_header_is_named_and_nothing_changes(
        self, store: CurStore, loaded: Path, tmp_path: Path
    ) -> None:
        before = self.snapshot(store, loaded)
        bad = tmp_path / "upload" / "costs.csv"
        bad.parent.mkdir()
        bad.write_text("Account,Cost,Date\n123456789012,1.50,2026-01-02\n")

        with pytest.raises(RuleViolation) as caught:
            store.refresh(str(bad.parent))

        assert str(bad) in caught.value.message
        assert "lineItem/UsageAccountId" in caught.value.message
        assert self.snapshot(store, loaded) == before

    def test_a_bad_value_deep_in_a_csv_names_that_file(
        self, store: CurStore, loaded: Path, tmp_path: Path
    ) -> None:
        before = self.snapshot(store, loaded)
        folder = tmp_path / "csv"
        folder.mkdir()
        header = (
            "bill/BillingPeriodStartDate,bill/InvoiceId,lineItem/UsageAccountId,"
            "lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,"
            "lineItem/UnblendedCost\n"
        )
        good = folder / "a.csv"
        good.write_text(
            header
            + "2026-01-01T00:00:00Z,,012345678901,Usage,2026-01-05T00:00:00Z,AmazonEC2,1.25\n"
        )
        bad = folder / "b.csv"
        bad.write_text(
            header + "2026-01-01T00:00:00Z,,012345678901,Usage,2026-01-05T00:00:00Z,AmazonEC2,abc\n"
        )

        with pytest.raises(RuleViolation) as caught:
            store.refresh(str(folder))

        assert str(bad) in caught.value.message
        assert str(good) not in caught.value.message
        assert self.snapshot(store, loaded) == before

    def test_a_failure_half_way_leaves_the_store_as_it_was(
        self,
        store: CurStore,
        generated_cur: Path,
        loaded: Path,
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
    ) -> None:
        before = self.snapshot(store, loaded)
        # a copy: the very same files would be answered as unchanged, without a read
        again = tmp_path / "again"
        shutil.copytree(generated_cur, again)
        real = materialize.summarize_period
        calls = []

        def fail_on_second(*args: object, **kwargs: object) -> object:
            calls.append(1)
            if len(calls) == 2:
                raise OSError("disk full")
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(materialize, "summarize_period", fail_on_second)

        # a store that cannot be written is a clear Unavailable (503), never a bare OSError
        with pytest.raises(Unavailable, match=r"cannot be written \(disk full\)"):
            store.refresh(str(again))

        assert self.snapshot(store, loaded) == before
