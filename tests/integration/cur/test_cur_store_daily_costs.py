"""The CUR store's accounts, daily costs and line items."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from adapters.cur.store import CurStore
from domain.errors import NotFound
from tests.integration.cur.figures import PERIODS, daily_sums, raw_figures


class TestAccountsAndDailyCosts:
    def test_accounts_keep_leading_zeros_names_and_first_usage(
        self, store: CurStore, generated_cur: Path
    ) -> None:
        store.refresh(str(generated_cur))
        expected = duckdb.execute(
            f"""
            SELECT line_item_usage_account_id, max(line_item_usage_account_name),
                   min(line_item_usage_start_date)::DATE
            FROM read_parquet('{generated_cur}/data/*/*.parquet')
            GROUP BY 1 ORDER BY 1
            """
        ).fetchall()

        seen = store.accounts_seen()

        assert [(a.account_id, a.name, a.first_seen) for a in seen] == expected
        assert all(len(a.account_id) == 12 for a in seen)
        assert any(a.account_id.startswith("0") for a in seen)

    def test_daily_costs_point_at_the_materialized_aggregates(
        self, store: CurStore, generated_cur: Path
    ) -> None:
        store.refresh(str(generated_cur))
        rows, total, _ = raw_figures(generated_cur)["2026-01"]

        source = store.daily_costs("2026-01")
        unblended, _, _, line_items = daily_sums(store, "2026-01")

        assert (unblended, line_items) == (total, rows)
        assert source.line_item_paths == ()
        assert "tag_user_cost_center" in source.tag_columns
        with pytest.raises(NotFound):
            store.daily_costs("2025-01")

    def test_daily_rows_are_unique_per_day_account_resource_service_and_type(
        self, store: CurStore, generated_cur: Path
    ) -> None:
        store.refresh(str(generated_cur))
        paths = list(store.daily_costs("2026-02").daily_paths)

        rows, keys = duckdb.execute(
            f"""
            SELECT count(*), count(DISTINCT (usage_date, account_id, resource_id, service,
                                             line_item_type))
            FROM read_parquet({paths})
            """
        ).fetchone() or (0, 0)
        described = duckdb.execute(f"DESCRIBE SELECT * FROM read_parquet({paths})").fetchall()
        columns = {r[0]: r[1] for r in described}

        assert rows == keys > 0
        assert columns == {
            "billing_period": "VARCHAR",
            "usage_date": "DATE",
            "account_id": "VARCHAR",
            "resource_id": "VARCHAR",
            "service": "VARCHAR",
            "line_item_type": "VARCHAR",
            "unblended_cost": "DECIMAL(20,10)",
            "net_unblended_cost": "DECIMAL(20,10)",
            "amortized_cost": "DECIMAL(20,10)",
            "line_items": "BIGINT",
        }

    def test_daily_rows_are_sorted_by_account_so_a_read_of_a_few_accounts_is_pruned(
        self, store: CurStore, generated_cur: Path
    ) -> None:
        # incremental re-allocation reads only the touched accounts' row groups
        store.refresh(str(generated_cur))
        (path,) = store.daily_costs("2026-01").daily_paths

        accounts = [
            r[0]
            for r in duckdb.execute(f"SELECT account_id FROM read_parquet('{path}')").fetchall()
        ]
        bounds = duckdb.execute(
            f"""
            SELECT row_group_id, stats_min, stats_max FROM parquet_metadata('{path}')
            WHERE path_in_schema = 'account_id' ORDER BY row_group_id
            """
        ).fetchall()

        assert accounts == sorted(accounts)
        assert all(low <= high for _, low, high in bounds)
        assert all(a[2] <= b[1] for a, b in zip(bounds, bounds[1:], strict=False))

    def test_daily_cost_bases_match_independent_sums_of_the_raw_files(
        self, store: CurStore, generated_cur: Path
    ) -> None:
        store.refresh(str(generated_cur))
        money = "DECIMAL(20,10)"
        expected = duckdb.execute(
            f"""
            SELECT sum(line_item_unblended_cost::{money}),
                   sum(line_item_net_unblended_cost::{money}),
                   sum(CASE line_item_line_item_type
                       WHEN 'SavingsPlanCoveredUsage'
                           THEN savings_plan_savings_plan_effective_cost::{money}
                       WHEN 'SavingsPlanRecurringFee'
                           THEN savings_plan_total_commitment_to_date::{money}
                                - savings_plan_used_commitment::{money}
                       WHEN 'SavingsPlanNegation' THEN 0
                       WHEN 'DiscountedUsage' THEN reservation_effective_cost::{money}
                       WHEN 'RIFee'
                           THEN reservation_unused_amortized_upfront_fee_for_billing_period::{money}
                                + reservation_unused_recurring_fee::{money}
                       ELSE line_item_unblended_cost::{money} END),
                   count(*)
            FROM read_parquet('{generated_cur}/data/BILLING_PERIOD=2026-03/*.parquet')
            """
        ).fetchone()

        assert daily_sums(store, "2026-03") == expected

    @pytest.mark.parametrize("second_invoice", ["INV-1", "INV-2"])
    def test_a_resource_day_on_two_invoices_is_one_daily_row(
        self, tmp_path: Path, second_invoice: str
    ) -> None:
        # the merged rows keep invoices apart; the daily file sums them by its key (when the
        # two invoices are the same, the merged rows are already unique and written as they are)
        cur = tmp_path / "cur.parquet"
        duckdb.execute(
            f"""
            COPY (
                SELECT TIMESTAMP '2026-07-01' AS bill_billing_period_start_date,
                       invoice AS bill_invoice_id,
                       '000000000001' AS line_item_usage_account_id, 'Usage' AS
                       line_item_line_item_type,
                       TIMESTAMP '2026-07-02 03:00' + INTERVAL (hour) HOUR
                           AS line_item_usage_start_date,
                       'AmazonEC2' AS line_item_product_code, 'i-1' AS line_item_resource_id,
                       cost AS line_item_unblended_cost, 'USD' AS line_item_currency_code
                FROM (VALUES ('INV-1', 0, 1.25), ('{second_invoice}', 1, 2.50),
                             ('INV-1', 2, 0.10)) v(invoice, hour, cost)
            ) TO '{cur}' (FORMAT parquet)
            """
        )
        with CurStore(tmp_path / "store") as store:
            store.refresh(str(cur))
            paths = list(store.daily_costs("2026-07").daily_paths)
            invoices = store.invoice_amounts("2026-07")

        rows = duckdb.execute(
            "SELECT usage_date::VARCHAR, resource_id, unblended_cost::VARCHAR, line_items "
            f"FROM read_parquet({paths})"
        ).fetchall()
        assert rows == [("2026-07-02", "i-1", "3.8500000000", 3)]
        assert len(invoices) == (1 if second_invoice == "INV-1" else 2)


class TestLineItems:
    """Normalized line items are only written on request (`keep_line_items`)."""

    def test_not_written_by_default(
        self, store: CurStore, generated_cur: Path, tmp_path: Path
    ) -> None:
        store.refresh(str(generated_cur))

        assert all(store.daily_costs(p).line_item_paths == () for p in PERIODS)
        assert not list((tmp_path / "store" / "periods").rglob("line_items"))

    def test_kept_on_request_with_the_raw_totals(
        self, store: CurStore, generated_cur: Path
    ) -> None:
        store.refresh(str(generated_cur), keep_line_items=True)
        rows, total, _ = raw_figures(generated_cur)["2026-01"]

        source = store.daily_costs("2026-01")
        li = f"read_parquet({list(source.line_item_paths)})"
        li_total = duckdb.execute(f"SELECT sum(unblended_cost), count(*) FROM {li}").fetchone()

        assert source.line_item_paths
        assert li_total == (total, rows)
        assert daily_sums(store, "2026-01")[0] == total

    def test_the_store_setting_is_the_default_and_a_refresh_may_override_it(
        self, generated_cur: Path, tmp_path: Path
    ) -> None:
        with CurStore(tmp_path / "kept", keep_line_items=True) as kept:
            kept.refresh(str(generated_cur), periods=["2026-02"])
            assert kept.daily_costs("2026-02").line_item_paths
            kept.refresh(str(generated_cur), periods=["2026-02"], keep_line_items=False)
            assert kept.daily_costs("2026-02").line_item_paths == ()

    def test_line_items_have_the_normalized_typed_columns(
        self, store: CurStore, generated_cur: Path
    ) -> None:
        store.refresh(str(generated_cur), keep_line_items=True)
        source = store.daily_costs("2026-03")

        li = f"read_parquet({list(source.line_item_paths)})"
        columns = {r[0]: r[1] for r in duckdb.execute(f"DESCRIBE SELECT * FROM {li}").fetchall()}

        assert columns["billing_period"] == "VARCHAR"
        assert columns["usage_date"] == "DATE"
        assert columns["account_id"] == "VARCHAR"
        for money in ("unblended_cost", "net_unblended_cost", "amortized_cost"):
            assert columns[money] == "DECIMAL(20,10)"
        assert {"tag_user_cost_center", "tag_user_environment", "tag_user_name"} <= set(columns)
