"""CurStore on generated CUR 2.0 data: runs everywhere, no shared data needed."""

from __future__ import annotations

import json
import shutil
import threading
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from adapters.cur import materialize
from adapters.cur.generator import generate_cur
from adapters.cur.store import CurStore
from domain.errors import NotFound, RuleViolation
from domain.spend.models import BillingPeriod

PERIODS = ["2026-01", "2026-02", "2026-03"]


def raw_figures(source: Path) -> dict[str, tuple[int, Decimal, tuple[str, ...]]]:
    """Rows, exact unblended total and invoice ids per period, straight from the raw parquet."""
    con = duckdb.connect()
    rows = con.execute(
        f"""
        SELECT strftime(bill_billing_period_start_date, '%Y-%m'), count(*),
               sum(line_item_unblended_cost::DECIMAL(20,10)),
               list_sort(list(DISTINCT bill_invoice_id) FILTER (WHERE bill_invoice_id <> ''))
        FROM read_parquet('{source}/data/*/*.parquet', hive_partitioning = false)
        GROUP BY 1
        """
    ).fetchall()
    return {r[0]: (r[1], r[2], tuple(r[3] or ())) for r in rows}


def comparable(periods: list[BillingPeriod]) -> list[tuple[object, ...]]:
    return [
        (p.period, p.finalized, p.invoice_ids, p.rows, p.total_unblended_cost, p.currency, p.format)
        for p in periods
    ]


def store_files(store_dir: Path) -> set[str]:
    return {str(p.relative_to(store_dir)) for p in store_dir.rglob("*") if p.is_file()}


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


def daily_sums(store: CurStore, period: str) -> tuple[Decimal, Decimal, Decimal, int]:
    source = store.daily_costs(period)
    row = duckdb.execute(
        "SELECT sum(unblended_cost), sum(net_unblended_cost), sum(amortized_cost), "
        f"sum(line_items) FROM read_parquet({list(source.daily_paths)})"
    ).fetchone()
    assert row is not None
    return row[0], row[1], row[2], row[3]


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

        with pytest.raises(OSError, match="disk full"):
            store.refresh(str(again))

        assert self.snapshot(store, loaded) == before


class TestResources:
    @pytest.fixture
    def loaded(self, store: CurStore, generated_cur: Path) -> CurStore:
        store.refresh(str(generated_cur))
        return store

    def all_resources(self, store: CurStore, **filters: str) -> list[tuple[str, str]]:
        page = store.resources(limit=1000, **filters)  # type: ignore[arg-type]
        assert page.next_cursor is None
        return [(r.resource_id, r.account_id) for r in page.items]

    def test_defaults_to_the_latest_period(self, loaded: CurStore) -> None:
        page = loaded.resources(limit=5)

        assert {r.period for r in page.items} == {"2026-03"}

    def test_pages_walk_every_resource_once_in_order(self, loaded: CurStore) -> None:
        expected = self.all_resources(loaded, period="2026-01")
        walked: list[tuple[str, str]] = []
        cursor = None
        while True:
            page = loaded.resources(period="2026-01", limit=37, cursor=cursor)
            walked += [(r.resource_id, r.account_id) for r in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor

        assert walked == expected
        assert walked == sorted(walked)
        assert len(walked) == len(set(walked)) > 100

    def test_cost_is_the_resources_unblended_cost_in_the_period(
        self, loaded: CurStore, generated_cur: Path
    ) -> None:
        expected = dict(
            duckdb.execute(
                f"""
                SELECT line_item_resource_id, sum(line_item_unblended_cost::DECIMAL(20,10))
                FROM read_parquet('{generated_cur}/data/BILLING_PERIOD=2026-02/*.parquet')
                WHERE line_item_resource_id <> ''
                GROUP BY 1
                """
            ).fetchall()
        )

        page = loaded.resources(period="2026-02", limit=1000)

        assert {r.resource_id: r.cost for r in page.items} == expected

    def test_search_matches_resource_ids_and_tag_values(self, loaded: CurStore) -> None:
        page = loaded.resources(period="2026-01", limit=1000)
        named = next(r for r in page.items if "user_name" in r.tags)
        by_id = loaded.resources(period="2026-01", q=named.resource_id[-6:].upper(), limit=1000)
        by_tag = loaded.resources(period="2026-01", q=named.tags["user_name"], limit=1000)

        assert named.resource_id in [r.resource_id for r in by_id.items]
        assert [r.resource_id for r in by_tag.items] == [named.resource_id]

    def test_filters_by_service_account_and_tag(self, loaded: CurStore) -> None:
        everything = loaded.resources(period="2026-01", limit=1000).items
        account = everything[0].account_id

        ec2 = loaded.resources(period="2026-01", service="amazonec2", limit=1000).items
        mine = loaded.resources(period="2026-01", account_id=account, limit=1000).items
        tagged = loaded.resources(period="2026-01", tag="cost_center", limit=1000).items
        cc = everything[[i for i, r in enumerate(everything) if r.tags][0]].tags
        value = cc["user_cost_center"]
        exact = loaded.resources(
            period="2026-01", tag=f"user_cost_center={value}", limit=1000
        ).items

        assert ec2
        assert all(r.service == "AmazonEC2" for r in ec2)
        assert len(ec2) == sum(r.service == "AmazonEC2" for r in everything)
        assert mine
        assert {r.account_id for r in mine} == {account}
        assert 0 < len(tagged) < len(everything)
        assert all("user_cost_center" in r.tags for r in tagged)
        assert exact
        assert all(r.tags["user_cost_center"] == value for r in exact)
        assert len(exact) == sum(r.tags.get("user_cost_center") == value for r in everything)

    def test_account_ids_keep_only_those_accounts(self, loaded: CurStore) -> None:
        everything = self.all_resources(loaded, period="2026-01")
        accounts = sorted({a for _, a in everything})[:2]

        mine = loaded.resources(period="2026-01", account_ids=accounts, limit=1000)
        one = loaded.resources(period="2026-01", account_ids=accounts[0], limit=1000)
        both = loaded.resources(
            period="2026-01", account_ids=set(accounts), account_id=accounts[1], limit=1000
        )

        assert [(r.resource_id, r.account_id) for r in mine.items] == [
            (rid, a) for rid, a in everything if a in accounts
        ]
        assert {r.account_id for r in one.items} == {accounts[0]}
        assert {r.account_id for r in both.items} == {accounts[1]}
        assert loaded.resources(period="2026-01", account_ids=[]).items == ()
        assert loaded.resources(period="2026-01", account_ids=["999999999999"]).items == ()

    def test_only_resource_ids_keeps_those_resources(self, loaded: CurStore) -> None:
        everything = self.all_resources(loaded, period="2026-01")
        chosen = [rid for rid, _ in everything[::9]]
        # a long list, mostly of ids the period does not have
        wanted = chosen + [f"i-{n:017x}" for n in range(20_000)]

        page = loaded.resources(period="2026-01", only_resource_ids=wanted, limit=1000)

        assert [r.resource_id for r in page.items] == chosen
        assert loaded.resources(period="2026-01", only_resource_ids=()).items == ()
        assert loaded.resources(period="2026-01", only_resource_ids=["nope"]).items == ()

    def test_exclude_resource_ids_leaves_those_out(self, loaded: CurStore) -> None:
        everything = self.all_resources(loaded, period="2026-01")
        dropped = {rid for rid, _ in everything[::3]}

        page = loaded.resources(period="2026-01", exclude_resource_ids=dropped, limit=1000)
        nothing_dropped = loaded.resources(period="2026-01", exclude_resource_ids=[], limit=1000)

        assert [(r.resource_id, r.account_id) for r in page.items] == [
            (rid, a) for rid, a in everything if rid not in dropped
        ]
        assert [(r.resource_id, r.account_id) for r in nothing_dropped.items] == everything

    def test_pages_walk_the_filtered_resources_once_in_order(self, loaded: CurStore) -> None:
        everything = self.all_resources(loaded, period="2026-01")
        accounts = sorted({a for _, a in everything})[:4]
        excluded = [rid for rid, _ in everything[::4]]
        only = [rid for rid, _ in everything[::2]]
        filters = {
            "account_ids": accounts,
            "only_resource_ids": only,
            "exclude_resource_ids": excluded,
        }
        expected = [
            (rid, a)
            for rid, a in everything
            if a in accounts and rid in set(only) and rid not in set(excluded)
        ]
        walked: list[tuple[str, str]] = []
        cursor = None
        while True:
            page = loaded.resources(period="2026-01", limit=7, cursor=cursor, **filters)
            walked += [(r.resource_id, r.account_id) for r in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor

        assert len(expected) > 7
        assert walked == expected

    def test_bad_arguments_are_rule_violations(self, loaded: CurStore) -> None:
        with pytest.raises(RuleViolation, match="cursor"):
            loaded.resources(cursor="not-a-cursor!")
        with pytest.raises(RuleViolation, match="limit"):
            loaded.resources(limit=0)
        with pytest.raises(RuleViolation, match="YYYY-MM"):
            loaded.resources(period="January")

    def test_an_empty_store_has_no_resources(self, store: CurStore) -> None:
        assert store.resources() == store.resources(period="2026-01")
        assert store.resources().items == ()


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


class TestDeterminism:
    def test_one_and_two_threads_give_identical_decimal_totals(
        self, generated_cur: Path, tmp_path: Path
    ) -> None:
        figures = []
        for threads in (1, 2):
            with CurStore(tmp_path / f"t{threads}", threads=threads) as s:
                periods = s.refresh(str(generated_cur))
                figures.append((comparable(periods), [daily_sums(s, p) for p in PERIODS]))

        assert figures[0] == figures[1]

    def test_file_order_changes_nothing(self, generated_cur: Path, tmp_path: Path) -> None:
        # the same files under other names, so that they are listed and read in reverse
        shuffled = tmp_path / "shuffled"
        for f in sorted((generated_cur / "data").rglob("*.parquet")):
            part = int(f.stem.split("-")[1])
            target = shuffled / "data" / f.parent.name / f"part-{99 - part}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, target)
        results = []
        for source, threads in ((generated_cur, 2), (shuffled, 1)):
            with CurStore(tmp_path / f"store-{source.name}", threads=threads) as s:
                periods = s.refresh(str(source))
                daily = [
                    duckdb.execute(
                        f"SELECT * FROM read_parquet({list(s.daily_costs(p).daily_paths)}) "
                        "ORDER BY ALL"
                    ).fetchall()
                    for p in PERIODS
                ]
                resources = [s.resources(period=p, limit=1000) for p in PERIODS]
                results.append((comparable(periods), daily, resources, s.accounts_seen()))

        assert results[0] == results[1]
        assert [p[4] for p in results[0][0]] == [raw_figures(generated_cur)[p][1] for p in PERIODS]

    def test_reads_during_a_refresh_see_a_whole_store(
        self, store: CurStore, generated_cur: Path
    ) -> None:
        store.refresh(str(generated_cur))
        expected = comparable(store.billing_periods())
        errors: list[BaseException] = []
        done = threading.Event()

        def read() -> None:
            while not done.is_set():
                try:
                    assert comparable(store.billing_periods()) == expected
                    assert store.resources(period="2026-01", limit=5).items
                except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                    errors.append(exc)
                    return

        reader = threading.Thread(target=read)
        reader.start()
        try:
            store.refresh(str(generated_cur))
        finally:
            done.set()
            reader.join()

        assert errors == []


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
