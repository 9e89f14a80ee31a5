"""Format detection and normalization on small hand-made files, one per format."""

from __future__ import annotations

import gzip
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.cur.columns import canonical, snake, tag_column
from adapters.cur.formats import period_hint
from adapters.cur.store import CurStore
from domain.errors import RuleViolation

D = Decimal


def write_cur2(path: Path, rows: list[dict[str, object]]) -> None:
    """A CUR 2.0 parquet file from a few rows (costs DOUBLE, tags in a MAP)."""
    values = ", ".join(
        "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})".format(
            repr(r.get("type", "Usage")),
            float(r.get("unblended", 0)),
            float(r.get("sp_effective", 0)),
            float(r.get("sp_commitment", 0)),
            float(r.get("sp_used", 0)),
            float(r.get("ri_effective", 0)),
            float(r.get("ri_upfront", 0)),
            float(r.get("ri_recurring", 0)),
            repr(r.get("resource", "")),
            repr(r.get("account", "000000000001")),
            f"MAP {{'user_cost_center': {r.get('cc', 'CC1')!r}}}",
        )
        for r in rows
    )
    duckdb.execute(
        f"""
        COPY (
            SELECT TIMESTAMP '2026-04-01' AS bill_billing_period_start_date,
                   '' AS bill_invoice_id, a AS line_item_usage_account_id,
                   'acme' AS line_item_usage_account_name, t AS line_item_line_item_type,
                   TIMESTAMP '2026-04-03 10:00' AS line_item_usage_start_date,
                   'AmazonEC2' AS line_item_product_code, rid AS line_item_resource_id,
                   u AS line_item_unblended_cost, u AS line_item_net_unblended_cost,
                   spe AS savings_plan_savings_plan_effective_cost,
                   spc AS savings_plan_total_commitment_to_date,
                   spu AS savings_plan_used_commitment, rie AS reservation_effective_cost,
                   riu AS reservation_unused_amortized_upfront_fee_for_billing_period,
                   rir AS reservation_unused_recurring_fee,
                   'USD' AS line_item_currency_code,
                   MAP {{'region': 'eu-west-1'}} AS product, tags AS resource_tags
            FROM (VALUES {values}) v(t, u, spe, spc, spu, rie, riu, rir, rid, a, tags)
        ) TO '{path}' (FORMAT parquet)
        """
    )


def amortized_by_type(store: CurStore, period: str) -> dict[str, Decimal]:
    paths = list(store.daily_costs(period).daily_paths)
    return dict(
        duckdb.execute(
            f"SELECT line_item_type, sum(amortized_cost) FROM read_parquet({paths}) GROUP BY 1"
        ).fetchall()
    )


class TestAmortizedCost:
    def test_follows_the_cloud_intelligence_dashboards_formula(self, tmp_path: Path) -> None:
        write_cur2(
            tmp_path / "cur.parquet",
            [
                {"type": "SavingsPlanCoveredUsage", "unblended": 10, "sp_effective": 6},
                {
                    "type": "SavingsPlanRecurringFee",
                    "unblended": 50,
                    "sp_commitment": 50,
                    "sp_used": 42,
                },
                {"type": "SavingsPlanNegation", "unblended": -10},
                {"type": "DiscountedUsage", "unblended": 0, "ri_effective": 3.5},
                {"type": "RIFee", "unblended": 20, "ri_upfront": 1.25, "ri_recurring": 0.75},
                {"type": "Usage", "unblended": 7.125},
                {"type": "Tax", "unblended": 1.5},
            ],
        )

        with CurStore(tmp_path / "store") as store:
            [period] = store.refresh(str(tmp_path / "cur.parquet"))
            amortized = amortized_by_type(store, "2026-04")

        assert period.format == "cur2-parquet"
        assert period.total_unblended_cost == D("78.625")
        assert amortized == {
            "SavingsPlanCoveredUsage": D(6),
            "SavingsPlanRecurringFee": D(8),
            "SavingsPlanNegation": D(0),
            "DiscountedUsage": D("3.5"),
            "RIFee": D(2),
            "Usage": D("7.125"),
            "Tax": D("1.5"),
        }

    def test_falls_back_to_unblended_when_the_columns_are_missing(self, tmp_path: Path) -> None:
        path = tmp_path / "cur.csv"
        path.write_text(
            "bill/BillingPeriodStartDate,lineItem/UsageAccountId,lineItem/LineItemType,"
            "lineItem/UsageStartDate,lineItem/UnblendedCost\n"
            "2026-04-01T00:00:00Z,000000000001,DiscountedUsage,2026-04-02T00:00:00Z,0.5\n"
            "2026-04-01T00:00:00Z,000000000001,Usage,2026-04-02T00:00:00Z,2\n"
        )

        with CurStore(tmp_path / "store") as store:
            store.refresh(str(path))
            amortized = amortized_by_type(store, "2026-04")

        assert amortized == {"DiscountedUsage": D("0.5"), "Usage": D(2)}


LEGACY_SLASH = (
    "identity/LineItemId,bill/InvoiceId,bill/BillingPeriodStartDate,lineItem/UsageAccountId,"
    "lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/ResourceId,"
    "lineItem/UnblendedCost,lineItem/CurrencyCode,product/region,resourceTags/user:CostCenter\n"
    "a,,2026-05-01T00:00:00Z,012345678901,Usage,2026-05-02T01:00:00Z,AmazonS3,bucket-1,"
    "1.10,USD,us-east-1,CC7\n"
    "b,,2026-05-01T00:00:00Z,012345678901,Usage,2026-05-02T02:00:00Z,AmazonS3,bucket-1,"
    "2.20,USD,us-east-1,CC7\n"
    "c,,2026-05-01T00:00:00Z,012345678901,Tax,2026-05-01T00:00:00Z,AWS,,0.30,USD,,\n"
)
LEGACY_SNAKE = (
    LEGACY_SLASH.replace("identity/LineItemId", "identity_line_item_id")
    .replace("bill/InvoiceId", "bill_invoice_id")
    .replace("bill/BillingPeriodStartDate", "bill_billing_period_start_date")
    .replace("lineItem/UsageAccountId", "line_item_usage_account_id")
    .replace("lineItem/LineItemType", "line_item_line_item_type")
    .replace("lineItem/UsageStartDate", "line_item_usage_start_date")
    .replace("lineItem/ProductCode", "line_item_product_code")
    .replace("lineItem/ResourceId", "line_item_resource_id")
    .replace("lineItem/UnblendedCost", "line_item_unblended_cost")
    .replace("lineItem/CurrencyCode", "line_item_currency_code")
    .replace("product/region", "product_region")
    .replace("resourceTags/user:CostCenter", "resource_tags_user_cost_center")
)


class TestLegacyCsv:
    @pytest.mark.parametrize(
        ("name", "text"),
        [("slash.csv", LEGACY_SLASH), ("snake.csv", LEGACY_SNAKE)],
    )
    def test_slash_and_snake_case_headers_read_the_same(
        self, tmp_path: Path, name: str, text: str
    ) -> None:
        path = tmp_path / name
        path.write_text(text)

        with CurStore(tmp_path / "store") as store:
            [period] = store.refresh(str(path))
            [bucket] = store.resources(limit=10).items
            [account] = store.accounts_seen()

        assert (period.period, period.rows, period.finalized) == ("2026-05", 3, False)
        assert period.total_unblended_cost == D("3.6")
        assert period.format == "cur-legacy-csv"
        assert (bucket.resource_id, bucket.service, bucket.region) == (
            "bucket-1",
            "AmazonS3",
            "us-east-1",
        )
        assert bucket.tags == {"user_cost_center": "CC7"}
        assert bucket.cost == D("3.3")
        assert account.account_id == "012345678901"

    def test_gzip_csv(self, tmp_path: Path) -> None:
        path = tmp_path / "report-00001.csv.gz"
        path.write_bytes(gzip.compress(LEGACY_SLASH.encode()))

        with CurStore(tmp_path / "store") as store:
            [period] = store.refresh(str(tmp_path))

        assert (period.rows, period.total_unblended_cost) == (3, D("3.6"))

    def test_an_invoice_id_marks_the_period_final(self, tmp_path: Path) -> None:
        path = tmp_path / "final.csv"
        path.write_text(
            LEGACY_SLASH.replace(",,2026-05-01T00:00:00Z", ",INV-9,2026-05-01T00:00:00Z")
        )

        with CurStore(tmp_path / "store") as store:
            [period] = store.refresh(str(path))

        assert period.finalized
        assert period.invoice_ids == ("INV-9",)

    def test_a_csv_missing_a_required_column_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "short.csv"
        path.write_text("lineItem/UsageAccountId,lineItem/LineItemType\n012345678901,Usage\n")

        with CurStore(tmp_path / "store") as store, pytest.raises(RuleViolation) as caught:
            store.refresh(str(path))

        assert str(path) in caught.value.message
        assert "lineItem/UnblendedCost" in caught.value.message


class TestBillingPeriodsFromTheRows:
    """Files whose path names no billing period: it is read from each row."""

    TWO_MONTHS = (
        "bill/BillingPeriodStartDate,lineItem/UsageAccountId,lineItem/LineItemType,"
        "lineItem/UsageStartDate,lineItem/ResourceId,lineItem/UnblendedCost\n"
        "2026-05-01T00:00:00Z,012345678901,Usage,2026-05-02T01:00:00Z,i-1,1.10\n"
        "2026-05-01T00:00:00Z,012345678901,Usage,2026-05-02T02:00:00Z,i-1,2.20\n"
        "2026-06-01T00:00:00Z,012345678901,Usage,2026-06-03T02:00:00Z,i-1,4.00\n"
        ",012345678901,Tax,2026-06-30T00:00:00Z,,0.50\n"
    )

    def test_one_file_fills_two_periods_and_periods_picks_one(self, tmp_path: Path) -> None:
        path = tmp_path / "cur.csv"
        path.write_text(self.TWO_MONTHS)

        with CurStore(tmp_path / "all") as store:
            both = store.refresh(str(path))
        with CurStore(tmp_path / "june") as store:
            june = store.refresh(str(path), periods=["2026-06"])
            [resource] = store.resources(limit=10).items

        assert [(p.period, p.rows, p.total_unblended_cost) for p in both] == [
            ("2026-05", 2, D("3.3")),
            ("2026-06", 2, D("4.5")),
        ]
        assert [(p.period, p.rows) for p in june] == [("2026-06", 2)]
        assert (resource.resource_id, resource.cost) == ("i-1", D(4))

    def test_rows_without_any_date_are_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "cur.csv"
        path.write_text(self.TWO_MONTHS + ",012345678901,Usage,,i-2,1.00\n")

        with CurStore(tmp_path / "store") as store, pytest.raises(RuleViolation) as caught:
            store.refresh(str(path))

        assert "no readable billing period" in caught.value.message


class TestFocus:
    def test_focus_parquet_with_map_tags_and_other_clouds(self, tmp_path: Path) -> None:
        path = tmp_path / "focus.parquet"
        duckdb.execute(
            f"""
            COPY (
                SELECT * FROM (VALUES
                    ('AWS', '111122223333', 'prod', 'i-1', 'Usage', NULL, NULL, 2.5, 2.0,
                     MAP {{'team': 'red'}}),
                    ('AWS', '111122223333', 'prod', NULL, 'Credit', NULL, NULL, -1.0, -1.0,
                     MAP {{}}::MAP(VARCHAR, VARCHAR)),
                    ('AWS', '111122223333', 'prod', 'i-2', 'Usage', 'Used', 'Savings Plan',
                     0.0, 0.7, MAP {{'team': 'blue'}}),
                    ('Microsoft', 'sub-1', 'azure', 'vm-1', 'Usage', NULL, NULL, 9.0, 9.0,
                     MAP {{'azure_only': 'x'}})
                ) v(ProviderName, SubAccountId, SubAccountName, ResourceId, ChargeCategory,
                    CommitmentDiscountStatus, CommitmentDiscountType, BilledCost,
                    EffectiveCost, Tags)
                CROSS JOIN (SELECT TIMESTAMP '2026-06-01' AS BillingPeriodStart,
                                   TIMESTAMP '2026-06-09 03:00' AS ChargePeriodStart,
                                   'USD' AS BillingCurrency, 'AmazonEC2' AS x_ServiceCode)
            ) TO '{path}' (FORMAT parquet)
            """
        )

        with CurStore(tmp_path / "store") as store:
            [period] = store.refresh(str(path))
            resources = store.resources(limit=10).items
            amortized = amortized_by_type(store, "2026-06")
            tags = store.daily_costs("2026-06").tag_columns

        assert (period.period, period.rows, period.format) == ("2026-06", 3, "focus-parquet")
        assert period.total_unblended_cost == D("1.5")
        assert [(r.resource_id, r.service, r.tags) for r in resources] == [
            ("i-1", "AmazonEC2", {"team": "red"}),
            ("i-2", "AmazonEC2", {"team": "blue"}),
        ]
        assert amortized == {"Usage": D(2), "Credit": D(-1), "SavingsPlanCoveredUsage": D("0.7")}
        assert tags == ("tag_team",)


def write_tagged_cur2(path: Path, rows: list[tuple[str, str, dict[str, str | None]]]) -> None:
    """CUR 2.0 rows of resource `rid` used on `day` (YYYY-MM-DD), each with its tag map."""
    con = duckdb.connect()
    try:
        con.execute(
            "CREATE TABLE t (rid VARCHAR, day VARCHAR, tags MAP(VARCHAR, VARCHAR), cost DOUBLE)"
        )
        con.executemany(
            "INSERT INTO t VALUES (?, ?, ?, 1.25)",
            [[rid, day, tags] for rid, day, tags in rows],
        )
        con.execute(
            f"""
            COPY (
                SELECT TIMESTAMP '2026-07-01' AS bill_billing_period_start_date,
                       '' AS bill_invoice_id, '000000000001' AS line_item_usage_account_id,
                       'Usage' AS line_item_line_item_type,
                       day::TIMESTAMP + INTERVAL 3 HOUR AS line_item_usage_start_date,
                       'AmazonEC2' AS line_item_product_code, rid AS line_item_resource_id,
                       cost AS line_item_unblended_cost, 'USD' AS line_item_currency_code,
                       MAP {{'region': 'eu-west-1'}} AS product, tags AS resource_tags
                FROM t
            ) TO '{path}' (FORMAT parquet)
            """
        )
    finally:
        con.close()


def shown_tags(path: Path, tmp_path: Path) -> tuple[dict[str, dict[str, str]], tuple[str, ...]]:
    with CurStore(tmp_path / "store") as store:
        [period] = store.refresh(str(path))
        resources = store.resources(period=period.period, limit=100).items
        columns = store.daily_costs(period.period).tag_columns
    return {r.resource_id: r.tags for r in resources}, columns


class TestTags:
    NASTY = (
        "a, b",
        "x=y",
        "{br}",
        "quote's",
        'dq"x',
        "back\\slash",
        "  lead and trail  ",
        "NULL",
        "[1, 2]",
        "ü日本 🚀",
        "line\nbreak",
        "a=b, c=d}",
    )

    def test_values_come_through_the_tag_text_unchanged(self, tmp_path: Path) -> None:
        tags = {f"user_k{i}": v for i, v in enumerate(self.NASTY)}
        write_tagged_cur2(tmp_path / "cur.parquet", [("i-1", "2026-07-02", tags)])

        shown, columns = shown_tags(tmp_path / "cur.parquet", tmp_path)

        assert shown == {"i-1": tags}
        assert columns == tuple(sorted(f"tag_{k}" for k in tags))

    def test_empty_values_are_dropped_and_untagged_resources_have_none(
        self, tmp_path: Path
    ) -> None:
        write_tagged_cur2(
            tmp_path / "cur.parquet",
            [
                ("i-1", "2026-07-02", {"user_a": "x", "user_b": "", "user_c": None}),
                ("i-2", "2026-07-02", {}),
            ],
        )

        shown, columns = shown_tags(tmp_path / "cur.parquet", tmp_path)

        assert shown == {"i-1": {"user_a": "x"}, "i-2": {}}
        # a key with no value in the period is no tag column: nothing to show or filter by
        assert columns == ("tag_user_a",)

    def test_the_latest_tagged_day_wins(self, tmp_path: Path) -> None:
        write_tagged_cur2(
            tmp_path / "cur.parquet",
            [
                ("i-1", "2026-07-09", {"user_team": "blue", "user_env": "prod"}),
                ("i-1", "2026-07-03", {"user_team": "red", "user_old": "1"}),
                ("i-1", "2026-07-20", {}),  # a later row without tags changes nothing
                ("i-2", "2026-07-03", {"user_team": "red"}),
            ],
        )

        shown, columns = shown_tags(tmp_path / "cur.parquet", tmp_path)

        assert shown == {
            "i-1": {"user_team": "blue", "user_env": "prod"},
            "i-2": {"user_team": "red"},
        }
        assert columns == ("tag_user_env", "tag_user_team")

    def test_keys_are_shown_under_their_column_names_and_merged(self, tmp_path: Path) -> None:
        write_tagged_cur2(
            tmp_path / "cur.parquet",
            [
                ("i-1", "2026-07-02", {"user:CostCenter": "CC7", "Team Name": "red"}),
                ("i-2", "2026-07-02", {"user:Name": "a", "user_name": "a"}),
                ("i-3", "2026-07-02", {"plain": "yes"}),
            ],
        )

        shown, columns = shown_tags(tmp_path / "cur.parquet", tmp_path)

        assert shown == {
            "i-1": {"user_costcenter": "CC7", "team_name": "red"},
            "i-2": {"user_name": "a"},
            "i-3": {"plain": "yes"},
        }
        assert columns == ("tag_plain", "tag_team_name", "tag_user_costcenter", "tag_user_name")


class TestNames:
    def test_canonical_names_match_across_header_styles(self) -> None:
        assert canonical("lineItem/UsageAccountId") == canonical("line_item_usage_account_id")
        assert canonical("reservation/ReservationARN") == canonical("reservation_reservation_a_r_n")

    def test_tag_names(self) -> None:
        assert snake("user:CostCenter") == "user_cost_center"
        assert snake("aws:createdBy") == "aws_created_by"
        assert tag_column("user_cost_center") == "tag_user_cost_center"
        assert tag_column("Cost Center/EU") == "tag_cost_center_eu"

    def test_period_hints_from_paths(self) -> None:
        assert period_hint("data/BILLING_PERIOD=2026-01/part-0.parquet") == "2026-01"
        assert period_hint("cur/year=2018/month=9/x.parquet") == "2018-09"
        assert period_hint("Oct2018-WorkshopCUR-00001.snappy.parquet") is None

    @given(st.text(max_size=40))
    def test_tag_columns_are_plain_identifiers(self, key: str) -> None:
        column = tag_column(key)

        assert column.startswith("tag_")
        assert all(c.isascii() and (c.isalnum() or c == "_") for c in column)
