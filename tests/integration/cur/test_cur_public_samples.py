"""CurStore against the public billing samples in ../shared/data/public (see its README).

Each expected figure is computed independently from the raw file (a plain DuckDB query or
Python's csv module), and the README's rounded figures are asserted as well.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from adapters.cur.formats import DATA_SUFFIXES
from adapters.cur.store import CurStore
from domain.spend.models import BillingPeriod

pytestmark = pytest.mark.shared_data

CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def wa_labs(public_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CurStore]:
    with CurStore(tmp_path_factory.mktemp("wa-labs"), threads=2) as store:
        store.refresh(str(public_data / "wa-labs-workshop-cur"))
        yield store


def wa_raw(public_data: Path) -> str:
    files = public_data / "wa-labs-workshop-cur" / "*.parquet"
    return f"read_parquet('{files}', union_by_name = true)"


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def only(store: CurStore, source: Path) -> BillingPeriod:
    [period] = store.refresh(str(source))
    return period


class TestEveryPublicFileIsRead:
    def test_each_data_file_refreshes_with_its_row_count(
        self, public_data: Path, tmp_path: Path
    ) -> None:
        files = sorted(p for p in public_data.rglob("*") if p.name.lower().endswith(DATA_SUFFIXES))
        assert len(files) == 9

        with CurStore(tmp_path / "store") as store:
            for f in files:
                periods = store.refresh(str(f))
                if f.suffix == ".parquet":
                    expected = duckdb.execute(f"SELECT count(*) FROM '{f}'").fetchone()
                    assert expected is not None
                    rows = expected[0]
                else:
                    raw = csv_rows(f)
                    rows = sum(1 for r in raw if r.get("ProviderName", "AWS") == "AWS")
                assert sum(p.rows for p in periods) == rows, f


class TestWellArchitectedLabsCur:
    def test_three_finalized_months_with_their_rows(self, wa_labs: CurStore) -> None:
        periods = wa_labs.billing_periods()

        assert [(p.period, p.rows) for p in periods] == [
            ("2018-10", 119_307),
            ("2018-11", 124_340),
            ("2018-12", 91_264),
        ]
        assert sum(p.rows for p in periods) == 334_911
        assert [p.invoice_ids for p in periods] == [("156090591",), ("159263274",), ("164297340",)]
        assert all(p.finalized for p in periods)
        assert {p.format for p in periods} == {"cur-legacy-parquet"}
        assert {p.currency for p in periods} == {"USD"}

    def test_unblended_totals_match_the_raw_files_exactly(
        self, wa_labs: CurStore, public_data: Path
    ) -> None:
        expected = dict(
            duckdb.execute(
                f"""
                SELECT strftime(bill_billing_period_start_date, '%Y-%m'),
                       sum(line_item_unblended_cost::DECIMAL(20,10))
                FROM {wa_raw(public_data)} GROUP BY 1
                """
            ).fetchall()
        )

        totals = {p.period: p.total_unblended_cost for p in wa_labs.billing_periods()}

        assert totals == expected
        assert {p: t.quantize(CENT) for p, t in totals.items()} == {
            "2018-10": Decimal("4064.48"),
            "2018-11": Decimal("3505.33"),
            "2018-12": Decimal("408.38"),
        }

    def test_amortized_cost_follows_the_cid_formula(
        self, wa_labs: CurStore, public_data: Path
    ) -> None:
        money = "DECIMAL(20,10)"
        row = duckdb.execute(
            f"""
            SELECT sum(CASE line_item_line_item_type
                WHEN 'DiscountedUsage' THEN reservation_effective_cost::{money}
                WHEN 'RIFee' THEN
                    reservation_unused_amortized_upfront_fee_for_billing_period::{money}
                    + reservation_unused_recurring_fee::{money}
                ELSE line_item_unblended_cost::{money} END)
            FROM {wa_raw(public_data)}
            """
        ).fetchone()
        assert row is not None

        paths = [p for per in ("2018-10", "2018-11", "2018-12") for p in daily(wa_labs, per)]
        total = duckdb.execute(f"SELECT sum(amortized_cost) FROM read_parquet({paths})").fetchone()

        assert total == row

    def test_accounts_keep_the_leading_zero(self, wa_labs: CurStore) -> None:
        seen = wa_labs.accounts_seen()
        per_account = dict(
            duckdb.execute(
                "SELECT account_id, round(sum(unblended_cost), 2) FROM read_parquet("
                f"{[p for per in ('2018-10', '2018-11', '2018-12') for p in daily(wa_labs, per)]})"
                " GROUP BY 1"
            ).fetchall()
        )

        assert [a.account_id for a in seen] == ["011254002932", "836060457634"]
        assert {a.first_seen.isoformat() for a in seen} == {"2018-10-01"}
        assert per_account == {
            "836060457634": Decimal("7807.96"),
            "011254002932": Decimal("170.23"),
        }

    def test_resources_per_month_and_tags(self, wa_labs: CurStore, public_data: Path) -> None:
        expected = dict(
            duckdb.execute(
                f"""
                SELECT strftime(bill_billing_period_start_date, '%Y-%m'),
                       count(DISTINCT NULLIF(line_item_resource_id, ''))
                FROM {wa_raw(public_data)} GROUP BY 1
                """
            ).fetchall()
        )
        counts = {}
        for period in ("2018-10", "2018-11", "2018-12"):
            items = wa_labs.resources(period=period, limit=1000).items
            counts[period] = len({r.resource_id for r in items})

        assert counts == expected == {"2018-10": 629, "2018-11": 516, "2018-12": 82}

        tagged = wa_labs.resources(period="2018-10", tag="cost_center=cost001", limit=1000)
        assert tagged.items
        assert {r.tags["user_cost_center"] for r in tagged.items} == {"Cost001"}
        glue = wa_labs.resources(period="2018-10", service="AWSGlue", q="notebook", limit=50)
        assert all(r.service == "AWSGlue" for r in glue.items)

    def test_tag_columns_are_pulled_out(
        self, wa_labs: CurStore, public_data: Path, tmp_path: Path
    ) -> None:
        source = wa_labs.daily_costs("2018-10")
        raw = duckdb.execute(
            f"SELECT count(*) FROM {wa_raw(public_data)} WHERE resource_tags_user_cost_center <> ''"
        ).fetchone()
        with CurStore(tmp_path / "kept", threads=2, keep_line_items=True) as kept:
            kept.refresh(str(public_data / "wa-labs-workshop-cur"))
            paths = [p for per in ("2018-10", "2018-11", "2018-12") for p in line_items(kept, per)]
            stored = duckdb.execute(
                "SELECT count(*) FROM read_parquet("
                f"{paths}, union_by_name = true) WHERE tag_user_cost_center IS NOT NULL"
            ).fetchone()

        assert {"tag_user_cost_center", "tag_user_department", "tag_aws_created_by"} <= set(
            source.tag_columns
        )
        assert stored == raw == (81_242,)
        assert line_items(wa_labs, "2018-10") == []

    def test_resources_show_their_tags(self, wa_labs: CurStore, public_data: Path) -> None:
        # independently: the resources whose tagged rows all carry the same tags
        expected = dict(
            duckdb.execute(
                f"""
                SELECT resource_id, any_value(NULLIF(cost_center, ''))
                FROM (
                    SELECT line_item_resource_id AS resource_id,
                           resource_tags_user_cost_center AS cost_center,
                           concat_ws('|', COLUMNS('^resource_tags_')) AS all_tags,
                           concat(COLUMNS('^resource_tags_')) AS any_tag
                    FROM {wa_raw(public_data)}
                    WHERE strftime(bill_billing_period_start_date, '%Y-%m') = '2018-11'
                      AND line_item_resource_id <> ''
                )
                WHERE any_tag <> ''
                GROUP BY 1
                HAVING count(DISTINCT all_tags) = 1
                """
            ).fetchall()
        )

        shown = {
            r.resource_id: r.tags.get("user_cost_center")
            for r in wa_labs.resources(period="2018-11", limit=1000).items
        }

        assert len(expected) > 50
        assert any(expected.values())
        assert {k: shown[k] for k in expected} == expected


def daily(store: CurStore, period: str) -> list[str]:
    return list(store.daily_costs(period).daily_paths)


def line_items(store: CurStore, period: str) -> list[str]:
    return list(store.daily_costs(period).line_item_paths)


class TestFocusConvertersCsv:
    def test_a_mid_month_legacy_csv_is_not_finalized(
        self, public_data: Path, tmp_path: Path
    ) -> None:
        path = public_data / "focus-converters" / "sample-anonymous-aws-export-dataset.csv"
        raw = csv_rows(path)
        total = sum(Decimal(r["lineItem/UnblendedCost"]) for r in raw)
        tax = [r for r in raw if r["lineItem/LineItemType"] == "Tax"]

        with CurStore(tmp_path / "store") as store:
            period = only(store, path.parent)
            [account] = store.accounts_seen()
            by_type = dict(
                duckdb.execute(
                    "SELECT line_item_type, round(sum(unblended_cost), 2) "
                    f"FROM read_parquet({daily(store, '2023-11')}) GROUP BY 1"
                ).fetchall()
            )

        assert (period.period, period.rows, period.finalized) == ("2023-11", 1_281, False)
        assert period.invoice_ids == ()
        assert period.format == "cur-legacy-csv"
        assert period.total_unblended_cost == total
        assert period.total_unblended_cost.quantize(CENT) == Decimal("1.68")
        assert len(tax) == 12
        assert by_type == {"Usage": Decimal("1.60"), "Tax": Decimal("0.08")}
        assert account.account_id == "123412340534"


class TestKokuFixtures:
    def test_final_and_not_final_differ_in_the_invoice(
        self, public_data: Path, tmp_path: Path
    ) -> None:
        # Besides the blank bill/InvoiceId, the not-final copy also writes the account id
        # without its leading zeros (9999999999999 vs 0099999999999); the README omits that.
        results = []
        for name in ("2023-06-01.csv", "2023-06-01-not-final.csv"):
            with CurStore(tmp_path / name) as store:
                period = only(store, public_data / "koku" / name)
                resources = [
                    (r.resource_id, r.service, r.region, r.cost)
                    for r in store.resources(limit=100).items
                ]
                daily_rows = duckdb.execute(
                    "SELECT * EXCLUDE (account_id) FROM "
                    f"read_parquet({daily(store, '2023-06')}) ORDER BY ALL"
                ).fetchall()
                [account] = store.accounts_seen()
                results.append((period, resources, daily_rows, account.account_id))
        (final, final_res, final_daily, final_account) = results[0]
        (open_, open_res, open_daily, open_account) = results[1]

        assert final.finalized
        assert final.invoice_ids == ("987654321",)
        assert not open_.finalized
        assert open_.invoice_ids == ()
        assert (final.period, final.rows, final.total_unblended_cost, final.currency) == (
            open_.period,
            open_.rows,
            open_.total_unblended_cost,
            open_.currency,
        )
        assert (final.period, final.rows, final.total_unblended_cost, final.currency) == (
            "2023-06",
            3,
            Decimal("30"),
            "NOK",
        )
        assert final_res == open_res == [("i-99995555", "AmazonEC2", "us-west-1", Decimal(30))]
        assert final_daily == open_daily
        assert (final_account, open_account) == ("0099999999999", "9999999999999")

    def test_snake_case_headers(self, public_data: Path, tmp_path: Path) -> None:
        with CurStore(tmp_path / "store") as store:
            period = only(store, public_data / "koku" / "2022-07-01-alt-columns.csv")
            [resource] = store.resources(limit=10).items
            [account] = store.accounts_seen()
            tags = store.daily_costs("2022-07").tag_columns

        assert (period.period, period.rows, period.finalized) == ("2022-07", 2, True)
        assert period.invoice_ids == ("1",)
        assert resource.service == "mra"
        assert resource.resource_id.endswith("instance/i-055386473d0b3fc65")
        assert account.account_id == "999999"
        assert {"tag_aws_created_by", "tag_user_c25_key", "tag_user_insights_project"} <= set(tags)

    def test_a_header_longer_than_its_rows(self, public_data: Path, tmp_path: Path) -> None:
        path = public_data / "koku" / "test_cur.csv"
        raw = csv_rows(path)

        with CurStore(tmp_path / "store") as store:
            period = only(store, path)
            resources = store.resources(limit=100).items
            [account] = store.accounts_seen()

        assert (period.period, period.rows, period.finalized) == ("2018-06", 19, False)
        # each cost is read as DECIMAL(20,10): rounded half away from zero to 10 decimals
        assert period.total_unblended_cost == sum(
            Decimal(r["lineItem/UnblendedCost"]).quantize(Decimal("1e-10"), ROUND_HALF_UP)
            for r in raw
        )
        assert len({r.resource_id for r in resources}) == 19
        assert account.account_id == "6838635603105"


class TestFocusSample:
    def test_aws_rows_of_a_focus_file(self, public_data: Path, tmp_path: Path) -> None:
        path = public_data / "focus-sample-data" / "focus_sample.csv"
        aws = [r for r in csv_rows(path) if r["ProviderName"] == "AWS"]
        billed = sum(Decimal(r["BilledCost"]) for r in aws)
        effective = sum(Decimal(r["EffectiveCost"]) for r in aws)
        resource_ids = {r["ResourceId"] for r in aws if r["ResourceId"] not in ("", "NULL")}
        tag_keys = {k for r in aws if r["Tags"] not in ("", "NULL") for k in json.loads(r["Tags"])}

        with CurStore(tmp_path / "store") as store:
            period = only(store, path)
            accounts = store.accounts_seen()
            walked = store.resources(limit=1000).items
            source = store.daily_costs("2024-09")
            amortized, credit = duckdb.execute(
                "SELECT sum(amortized_cost), sum(unblended_cost) FILTER "
                f"(WHERE line_item_type = 'Credit') FROM read_parquet({list(source.daily_paths)})"
            ).fetchone() or (None, None)
            tagged = store.resources(tag="environment", limit=1000).items

        assert (period.period, period.rows, period.finalized) == ("2024-09", 942, False)
        assert period.format == "focus-csv"
        assert period.total_unblended_cost == billed
        assert period.total_unblended_cost.quantize(Decimal("0.0001")) == Decimal("18.0066")
        assert amortized == effective
        assert credit == Decimal("-2.6137")
        assert len(accounts) == 66
        assert "11353890204" in {a.account_id for a in accounts}
        assert {r.resource_id for r in walked} == resource_ids
        assert len(resource_ids) == 799
        assert {f"tag_{k}" for k in tag_keys} == set(source.tag_columns)
        assert tagged
        assert all("environment" in r.tags for r in tagged)
