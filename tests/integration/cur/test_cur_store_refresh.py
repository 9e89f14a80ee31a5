"""The CUR store's refresh: periods read all or nothing, and the manifest it keeps."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.cur.generator import generate_cur
from adapters.cur.store import CurStore
from domain.errors import RuleViolation
from tests.integration.cur.figures import PERIODS, comparable, daily_sums, raw_figures


class TestRefresh:
    def test_materializes_every_period_with_the_raw_totals(
        self, store: CurStore, generated_cur: Path
    ) -> None:
        periods = store.refresh(str(generated_cur))

        expected = raw_figures(generated_cur)
        assert [p.period for p in periods] == PERIODS
        for p in periods:
            rows, total, invoices = expected[p.period]
            assert p.rows == rows
            assert p.total_unblended_cost == total
            assert isinstance(p.total_unblended_cost, Decimal)
            assert p.invoice_ids == invoices
            assert p.currency == "USD"
            assert p.format == "cur2-parquet"
        assert store.billing_periods() == periods

    def test_only_past_months_are_finalized(self, store: CurStore, generated_cur: Path) -> None:
        periods = store.refresh(str(generated_cur))

        assert [p.finalized for p in periods] == [True, True, False]
        assert all(len(p.invoice_ids) == 1 for p in periods[:2])
        assert periods[2].invoice_ids == ()

    def test_a_second_refresh_gives_the_same_store(
        self, store: CurStore, generated_cur: Path, tmp_path: Path
    ) -> None:
        first = store.refresh(str(generated_cur))
        first_resources = store.resources(period="2026-02", limit=1000)
        first_daily = daily_sums(store, "2026-02")

        second = store.refresh(str(generated_cur))

        assert comparable(second) == comparable(first)
        assert store.resources(period="2026-02", limit=1000) == first_resources
        assert daily_sums(store, "2026-02") == first_daily
        # the superseded folders are gone: one folder per period
        assert len(list((tmp_path / "store" / "periods").iterdir())) == 3

    def test_a_redelivered_period_replaces_the_old_one_whole(
        self, store: CurStore, generated_cur: Path, tmp_path: Path
    ) -> None:
        store.refresh(str(generated_cur))
        before = {p.period: p for p in store.billing_periods()}
        redelivery = tmp_path / "redelivery"
        generate_cur(
            redelivery,
            rows=5_000,
            accounts=3,
            resources=50,
            months=1,
            seed=99,
            start="2026-03",
            final_months=1,
        )

        [replaced] = store.refresh(str(redelivery))

        rows, total, invoices = raw_figures(redelivery)["2026-03"]
        assert replaced.period == "2026-03"
        assert (replaced.rows, replaced.total_unblended_cost) == (rows, total)
        assert replaced.finalized
        assert replaced.invoice_ids == invoices
        after = {p.period: p for p in store.billing_periods()}
        assert after["2026-03"] == replaced
        assert after["2026-01"] == before["2026-01"]
        assert after["2026-02"] == before["2026-02"]
        assert daily_sums(store, "2026-03")[0] == total
        # no resource of the old delivery survives
        page = store.resources(period="2026-03", limit=1000)
        assert len({r.account_id for r in page.items}) <= 3

    def test_periods_limits_the_refresh(self, store: CurStore, generated_cur: Path) -> None:
        periods = store.refresh(str(generated_cur), periods=["2026-02"])

        assert [p.period for p in periods] == ["2026-02"]
        assert [p.period for p in store.billing_periods()] == ["2026-02"]

    def test_a_period_missing_from_the_source_is_refused(
        self, store: CurStore, generated_cur: Path
    ) -> None:
        with pytest.raises(RuleViolation, match="2025-12"):
            store.refresh(str(generated_cur), periods=["2025-12"])
        with pytest.raises(RuleViolation, match="YYYY-MM"):
            store.refresh(str(generated_cur), periods=["2026-13"])
        assert store.billing_periods() == []

    def test_progress_is_reported(self, store: CurStore, generated_cur: Path) -> None:
        seen: list[tuple[str, int, int]] = []

        store.refresh(str(generated_cur), progress=lambda s, d, t: seen.append((s, d, t)))

        stages = [s for s, _, _ in seen]
        assert stages[0] == "probe"
        assert {"aggregate", "daily", "resources", "accounts"} <= set(stages)
        assert not {"tags", "line_items"} & set(stages)
        assert seen[-1] == ("done", 3, 3)

    def test_progress_reports_the_line_items_when_kept(
        self, store: CurStore, generated_cur: Path
    ) -> None:
        seen: list[str] = []

        store.refresh(
            str(generated_cur), keep_line_items=True, progress=lambda s, *_: seen.append(s)
        )

        assert {"aggregate", "tags", "line_items", "daily", "resources"} <= set(seen)

    def test_a_missing_source_is_a_rule_violation(self, store: CurStore, tmp_path: Path) -> None:
        with pytest.raises(RuleViolation, match="no such file"):
            store.refresh(str(tmp_path / "nowhere"))
        (tmp_path / "empty").mkdir()
        with pytest.raises(RuleViolation, match="no CUR data files"):
            store.refresh(str(tmp_path / "empty"))


class TestManifest:
    def test_manifest_records_each_period_and_its_folder(
        self, store: CurStore, generated_cur: Path, tmp_path: Path
    ) -> None:
        store.refresh(str(generated_cur))

        manifest = json.loads((tmp_path / "store" / "manifest.json").read_text())

        assert manifest["version"] == 1
        assert sorted(manifest["periods"]) == PERIODS
        for entry in manifest["periods"].values():
            folder = tmp_path / "store" / entry["folder"]
            assert (folder / "daily.parquet").is_file()
            assert (folder / "resources.parquet").is_file()
            assert (folder / "accounts.parquet").is_file()
            assert all((folder / f).is_file() for f in entry["line_item_files"])

    def test_a_new_instance_reads_the_same_store(
        self, store: CurStore, generated_cur: Path, tmp_path: Path
    ) -> None:
        periods = store.refresh(str(generated_cur))

        with CurStore(tmp_path / "store") as again:
            assert again.billing_periods() == periods
            assert again.accounts_seen() == store.accounts_seen()
