"""Spark and DuckDB refresh the same CUR into the same store: the same periods and figures,
and every period file (daily, resources, accounts, invoices) with the same rows and types,
DECIMAL(20,10) to the last digit.

(a) the public Well-Architected Labs CUR (legacy parquet, three months in one refresh);
(b) a generated CUR 2.0 month (tags, EDP discounts, tax, credits, refunds, reservations and
savings plans: every cost basis differs);
(c) CUR 2.0 line items built to hit the two places where the engines differ by nature: costs
as DOUBLE on both sides of a rounding half-way point (and above 2^63 units of 1E-10), and tag
maps whose text DuckDB quotes and escapes;
(d) the other formats the store reads: legacy CSV (koku's samples: flattened tags, short
rows, integer account ids) and FOCUS CSV (JSON tags, several providers).
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from adapters.cur.generator import generate_cur
from adapters.cur.manifest import ManifestFile
from adapters.cur.store import CurStore
from tests.integration.spark.conftest import SPARK_CONF, TEST_SPARK
from tests.integration.spark.same_store import assert_same_store

if TYPE_CHECKING:
    from adapters.spark.allocation import SparkAllocationEngine
    from adapters.spark.refresh import SparkRefreshEngine

pytestmark = pytest.mark.xdist_group("spark")

REPO = Path(__file__).resolve().parents[3]
PUBLIC = next(
    (p / "shared" / "data" / "public" for p in REPO.parents if (p / "shared" / "data").is_dir()),
    REPO.parent / "shared" / "data" / "public",
)
Stores = tuple[tuple[CurStore, Path], tuple[CurStore, Path]]


def public(name: str) -> Path:
    folder = PUBLIC / name
    if not folder.is_dir():
        pytest.skip(
            f"{folder} is absent: the public billing samples live only on the team's machines, "
            "next to the repository (../shared/data/public)"
        )
    return folder


@pytest.fixture(scope="session")
def spark_refresh(spark_engine: SparkAllocationEngine) -> SparkRefreshEngine:
    """The refresh on the allocation tests' session (same settings: one JVM)."""
    del spark_engine  # started (or skipped, saying why) there
    from adapters.spark.refresh import SparkRefreshEngine

    return SparkRefreshEngine(TEST_SPARK)


@pytest.fixture
def stores(spark_refresh: SparkRefreshEngine, tmp_path: Path) -> Iterator[Stores]:
    spark_dir, duck_dir = tmp_path / "spark", tmp_path / "duckdb"
    with (
        CurStore(spark_dir, threads=2, engine=spark_refresh) as spark,
        CurStore(duck_dir, threads=2) as duck,
    ):
        assert spark.engine_name == "spark"
        yield (spark, spark_dir), (duck, duck_dir)


def test_wa_labs_months(stores: Stores) -> None:
    periods = assert_same_store(*stores, str(public("wa-labs-workshop-cur")))
    assert [p.period for p in periods] == ["2018-10", "2018-11", "2018-12"]


def test_generated_month_every_basis(stores: Stores, tmp_path: Path) -> None:
    generate_cur(tmp_path / "cur", rows=6_000, accounts=4, resources=60, months=1, start="2026-03")
    [period] = assert_same_store(*stores, str(tmp_path / "cur"))
    assert period.rows == 6_000


# costs whose DuckDB cast (x * 1E10, rounded half away from zero) and Spark's own cast (the
# double's shortest text, rounded) differ, and magnitudes past 2^63 units of 1E-10
HARD_COSTS = (
    6.0159749999999996e-05,
    -489861948.5211566,
    65040830.29390025,
    173585748.98561215,
    2.5e-10,
    -1.5e-10,
    5e-11,
    0.12345678905,
    0.0,
)
# past 2^63 units of 1E-10 (once each: a day's sum must still fit DECIMAL(20,10))
BIG_COSTS = (950_000_000.1234567, -930_000_000.5)
# characters DuckDB quotes or escapes in a map's text, and some it does not
TAG_PIECES = (
    "a",
    "Z",
    " ",
    ",",
    "=",
    "'",
    '"',
    "\\",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ":",
    "\n",
    "\t",
    "é",
    "\u00a0",
    "NULL",
    "null",
    "-",
    "_",
    "/",
    "+",
)


def _tag_text(rng: random.Random) -> str:
    return "".join(rng.choice(TAG_PIECES) for _ in range(rng.randint(0, 4)))


def _hard_cur2(path: Path, rows: int = 3_000) -> None:
    rng = random.Random(18)
    start = datetime(2026, 5, 1, tzinfo=UTC)
    types = ("Usage", "Tax", "Credit", "SavingsPlanCoveredUsage", "DiscountedUsage", "RIFee")
    columns: dict[str, list[object]] = {
        k: []
        for k in (
            "bill_billing_period_start_date",
            "line_item_usage_start_date",
            "line_item_usage_account_id",
            "line_item_resource_id",
            "line_item_product_code",
            "line_item_line_item_type",
            "line_item_unblended_cost",
            "line_item_net_unblended_cost",
            "savings_plan_savings_plan_effective_cost",
            "reservation_effective_cost",
            "product_region_code",
            "resource_tags",
        )
    }
    for i in range(rows):
        columns["bill_billing_period_start_date"].append(start)
        columns["line_item_usage_start_date"].append(start + timedelta(hours=rng.randrange(72)))
        columns["line_item_usage_account_id"].append(rng.choice(("000000000001", "210987654321")))
        columns["line_item_resource_id"].append(f"r-{rng.randrange(40)}" if i % 7 else "")
        columns["line_item_product_code"].append(rng.choice(("AmazonEC2", "AmazonS3")))
        columns["line_item_line_item_type"].append(rng.choice(types))
        cost = rng.choice(HARD_COSTS) if i % 3 == 0 else rng.uniform(-5, 500)
        if i < len(BIG_COSTS):
            cost = BIG_COSTS[i]
        columns["line_item_unblended_cost"].append(cost)
        columns["line_item_net_unblended_cost"].append(cost * 0.93 if i % 5 else None)
        columns["savings_plan_savings_plan_effective_cost"].append(rng.choice(HARD_COSTS))
        columns["reservation_effective_cost"].append(rng.uniform(0, 1) if i % 4 else None)
        columns["product_region_code"].append(rng.choice(("us-east-1", "", None)))
        columns["resource_tags"].append(
            [
                (_tag_text(rng) + k, rng.choice((_tag_text(rng), None, "")))
                for k in rng.sample(("user:team", "Cost Center", "x"), rng.randint(0, 3))
            ]
        )
    schema = pa.schema(
        [
            ("bill_billing_period_start_date", pa.timestamp("us")),
            ("line_item_usage_start_date", pa.timestamp("us")),
            *(
                (n, pa.string())
                for n in (
                    "line_item_usage_account_id",
                    "line_item_resource_id",
                    "line_item_product_code",
                    "line_item_line_item_type",
                )
            ),
            *(
                (n, pa.float64())
                for n in (
                    "line_item_unblended_cost",
                    "line_item_net_unblended_cost",
                    "savings_plan_savings_plan_effective_cost",
                    "reservation_effective_cost",
                )
            ),
            ("product_region_code", pa.string()),
            ("resource_tags", pa.map_(pa.string(), pa.string())),
        ]
    )
    for name in ("bill_billing_period_start_date", "line_item_usage_start_date"):
        columns[name] = [t.replace(tzinfo=None) for t in columns[name]]  # type: ignore[union-attr]
    path.parent.mkdir(parents=True)
    pq.write_table(pa.table(columns, schema=schema), path)


def test_half_way_costs_and_quoted_tags(stores: Stores, tmp_path: Path) -> None:
    _hard_cur2(tmp_path / "cur" / "part-0.parquet")
    [period] = assert_same_store(*stores, str(tmp_path / "cur"))
    assert period.period == "2026-05"
    assert period.format == "cur2-parquet"


def test_legacy_csv(stores: Stores) -> None:
    periods = assert_same_store(*stores, str(public("koku")))
    assert {p.format for p in periods} == {"cur-legacy-csv"}


def test_focus_csv(stores: Stores) -> None:
    [period] = assert_same_store(*stores, str(public("focus-sample-data")))
    assert period.format == "focus-csv"


def test_cli_refresh_runs_on_the_configured_engine(
    spark_refresh: SparkRefreshEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`FINOPS_SPEND_ENGINE=spark finops cur refresh`: the manifest names Spark per period
    (in process, so that it shares the test session's JVM; the settings are the same)."""
    del spark_refresh
    from typer.testing import CliRunner

    from api.cli import app

    koku = public("koku")
    for name in [n for n in os.environ if n.startswith("FINOPS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("FINOPS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FINOPS_SPEND_ENGINE", "spark")
    monkeypatch.setenv("FINOPS_SPARK_CONF", ",".join(f"{k}={v}" for k, v in SPARK_CONF.items()))
    result = CliRunner().invoke(app, ["cur", "refresh", "--source", str(koku)])
    assert result.exit_code == 0, result.output
    manifest = ManifestFile(tmp_path / "data" / "cur-store" / "manifest.json").load()
    assert manifest.periods
    assert {p.engine for p in manifest.periods.values()} == {"spark"}
