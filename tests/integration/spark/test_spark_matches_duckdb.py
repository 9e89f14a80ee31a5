"""Spark and DuckDB allocate the same inputs to the same summary, lines and figures.

(a) the public AWS Well-Architected Labs CUR (October to December 2018, two real accounts) with
splits remapped mid-month, a gap, claims, a release and a re-claim and a negotiated discount;
(b) a generated CUR 2.0 month (tags, EDP discounts, tax, credits, refunds, reservations and
savings plans) on every cost basis; (c) random small rule sets and cost rows (hypothesis).
The refresh runs once, on DuckDB: both engines read the same daily files.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings

from adapters.allocation.materialized import AllocatedSpend
from adapters.cur.generator import account_ids, generate_cur
from adapters.cur.store import CurStore
from domain.allocation.reference import CostRow
from domain.allocation.rules import AllocationRules, ClaimSpan, CostBasis, NegotiatedDiscount
from domain.allocation.rules import SplitLine as Line
from tests.integration.allocation.daily_files import daily_source
from tests.integration.spark.conftest import SameOnBoth
from tests.unit.allocation.builders import bases, cost_rows, rules

if TYPE_CHECKING:
    from adapters.spark.allocation import SparkAllocationEngine

pytestmark = pytest.mark.xdist_group("spark")

# the team's shared data folder sits next to the repository or next to its worktrees' folder
REPO = Path(__file__).resolve().parents[3]
WA_LABS = next(
    (
        p / "shared" / "data" / "public" / "wa-labs-workshop-cur"
        for p in REPO.parents
        if (p / "shared" / "data" / "public").is_dir()
    ),
    REPO.parent / "shared" / "data" / "public" / "wa-labs-workshop-cur",
)

PAYER = "836060457634"
MEMBER = "011254002932"
GLUE = "arn:aws:glue:us-east-1:836060457634:devEndpoint/CUR-NoKey"
RDS = "arn:aws:rds:us-east-1:836060457634:db:prod"
EC2 = "i-068ca06d607874ab7"


def pct(value: str) -> Decimal:
    return Decimal(value)


def wa_labs_rules() -> AllocationRules:
    nov = date(2018, 11, 1)
    splits = [
        *(
            Line(PAYER, b, pct(p), date(2018, 10, 1), date(2018, 11, 11))
            for b, p in ((10, "50"), (20, "30"), (30, "20"))
        ),
        # remapped on Monday 12 November
        Line(PAYER, 20, pct("66.67"), date(2018, 11, 12)),
        Line(PAYER, 30, pct("33.33"), date(2018, 11, 12)),
        # MEMBER: nothing before 5 October (Unallocated), then a three-way split with odd shares
        *(
            Line(MEMBER, b, pct(p), date(2018, 10, 5), date(2018, 11, 18))
            for b, p in ((40, "33.33"), (10, "33.33"), (20, "33.34"))
        ),
        Line(MEMBER, 40, pct("25.50"), date(2018, 11, 19)),
        Line(MEMBER, 10, pct("74.50"), date(2018, 11, 19)),
    ]
    claims = [
        ClaimSpan(PAYER, GLUE, 50, 501, date(2018, 10, 21), date(2018, 11, 9)),  # released
        ClaimSpan(PAYER, GLUE, 51, 502, date(2018, 11, 15)),  # re-claimed by another
        ClaimSpan(PAYER, RDS, 50, 503, nov.replace(day=7)),
        ClaimSpan(MEMBER, EC2, 52, 504, date(2018, 10, 3), date(2018, 12, 20)),
    ]
    discounts = [NegotiatedDiscount(pct("7.5"), date(2018, 11, 10), date(2018, 12, 15))]
    return AllocationRules(splits, claims, discounts)


@pytest.fixture(scope="module")
def wa_labs_store(tmp_path_factory: pytest.TempPathFactory) -> CurStore:
    if not any(WA_LABS.glob("*.parquet")):
        pytest.skip(
            f"{WA_LABS} is absent: the public billing samples live only on the team's "
            "machines, next to the repository"
        )
    store = CurStore(tmp_path_factory.mktemp("wa-labs-store"), threads=2)
    store.refresh(str(WA_LABS))
    return store


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("period", "basis"),
    [
        ("2018-10", CostBasis.UNBLENDED),
        ("2018-11", CostBasis.AMORTIZED),
        ("2018-12", CostBasis.NET_UNBLENDED),
    ],
)
def test_wa_labs_months(
    same: SameOnBoth, wa_labs_store: CurStore, period: str, basis: CostBasis, tmp_path: Path
) -> None:
    result = same(wa_labs_store.daily_costs(period), wa_labs_rules(), basis=basis, out=tmp_path)
    assert result.allocated != 0
    if period == "2018-10":
        assert result.unallocated != 0  # MEMBER has no split on 1-4 October
    if period == "2018-11":
        assert result.negotiated_discount < 0


@pytest.fixture(scope="module")
def generated_month(tmp_path_factory: pytest.TempPathFactory) -> tuple[CurStore, list[str]]:
    root = tmp_path_factory.mktemp("generated")
    generate_cur(root / "cur", rows=10_000, accounts=4, resources=60, months=1, start="2026-03")
    store = CurStore(root / "store", threads=2)
    store.refresh(str(root / "cur"))
    paths = store.daily_costs("2026-03").daily_paths
    resources = duckdb.sql(
        "SELECT account_id, resource_id FROM read_parquet(?) WHERE resource_id IS NOT NULL "
        "GROUP BY ALL ORDER BY account_id, resource_id LIMIT 3",
        params=[list(paths)],
    ).fetchall()
    return store, [f"{a}|{r}" for a, r in resources]


@pytest.mark.parametrize("basis", list(CostBasis))
def test_generated_month_every_basis(
    same: SameOnBoth,
    generated_month: tuple[CurStore, list[str]],
    basis: CostBasis,
    tmp_path: Path,
) -> None:
    store, claimed = generated_month
    a, b, c, _ = account_ids(4)
    splits = [
        Line(a, 1, pct("60"), date(2026, 3, 1), date(2026, 3, 15)),
        Line(a, 2, pct("40"), date(2026, 3, 1), date(2026, 3, 15)),
        # the mid-month remap
        *(
            Line(a, bud, pct("33.33") if bud != 3 else pct("33.34"), date(2026, 3, 16))
            for bud in (1, 2, 3)
        ),
        Line(b, 3, pct("100"), date(2026, 3, 1)),
        Line(c, 1, pct("0.01"), date(2026, 3, 10)),
        Line(c, 2, pct("99.99"), date(2026, 3, 10)),
    ]
    claims = [
        ClaimSpan(*key.split("|"), 70 + i, 1 + i, date(2026, 3, 5 + i), date(2026, 3, 20))
        for i, key in enumerate(claimed)
    ]
    result = same(
        store.daily_costs("2026-03"),
        AllocationRules(splits, claims, [NegotiatedDiscount(pct("3"), date(2026, 3, 1))]),
        basis=basis,
        out=tmp_path,
    )
    assert result.excluded != 0  # credits and refunds are in the month
    assert result.negotiated_discount == 0  # the month carries EDP discount lines


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=cost_rows(max_size=25), rules_=rules, basis=bases)
def test_random_rules(
    same: SameOnBoth, rows: list[CostRow], rules_: AllocationRules, basis: CostBasis
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        same(daily_source(Path(tmp) / "daily", rows, files=2), rules_, basis=basis, out=Path(tmp))


def test_materialized_spend_is_the_same_on_both_engines(
    spark_engine: SparkAllocationEngine,
    generated_month: tuple[CurStore, list[str]],
    tmp_path: Path,
) -> None:
    """What `GET /spend` reads (`AllocatedSpend`: materialize, then sum the summaries) gives the
    same figures whichever engine allocated, and `meta.json` names the engine."""
    store, _ = generated_month
    a, b, *_ = account_ids(4)
    rules_ = AllocationRules(
        [Line(a, 1, pct("50"), date(2026, 3, 1)), Line(a, 2, pct("50"), date(2026, 3, 1))],
        [],
    )
    figures = {}
    for name, engine in (("duckdb", None), ("spark", spark_engine)):
        allocated = AllocatedSpend(store, tmp_path / name, engine=engine)
        [done] = allocated.ensure(["2026-03"], rules_, 1)
        assert json.loads((done.folder / "meta.json").read_text())["engine"] == name
        figures[name] = {
            group: allocated.engine.spend([done.folder], group_by=group, include_unallocated=True)
            for group in ("budget", "account", "service", "day", "type")
        }
        if engine is None:
            allocated.close()
    assert figures["spark"] == figures["duckdb"]
    assert figures["duckdb"]["budget"][0][0] == 1
