"""The engine on a real CUR: November 2018 of the AWS Well-Architected Labs workshop.

Refreshed through `CurStore`, allocated with splits on its two accounts (one remapped on
Monday 12 November, the other unsplit for the first four days and remapped on Monday
19 November) and with claims, a release and a re-claim of real resources. The expected spend
per budget is computed here with plain SQL over the raw CUR file, sharing nothing with the
engine or the store: claims whole; splits as percent x the version's spend, which the engine
must match to within one 1E-10 unit per row it split.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from adapters.allocation.engine import AllocationResult, DuckDBAllocationEngine
from adapters.cur.store import CurStore
from domain.allocation.rules import AllocationRules, ClaimSpan, SplitLine

pytestmark = pytest.mark.shared_data

PAYER = "836060457634"
MEMBER = "011254002932"
GLUE = "arn:aws:glue:us-east-1:836060457634:devEndpoint/CUR-NoKey"
RDS = "arn:aws:rds:us-east-1:836060457634:db:prod"
EC2 = "i-068ca06d607874ab7"  # a resource of MEMBER
UNIT = Decimal("1E-10")


def d(day: int) -> date:
    return date(2018, 11, day)


@dataclass(frozen=True)
class Version:
    name: str
    account: str
    start: date
    end: date | None
    shares: dict[int, Decimal]


VERSIONS = (
    Version(
        "payer-1",
        PAYER,
        date(2018, 10, 1),
        d(11),
        {10: Decimal("50"), 20: Decimal("30"), 30: Decimal("20")},
    ),
    # the remap: a Monday, the previous version ends the day before
    Version("payer-2", PAYER, d(12), None, {20: Decimal("66.67"), 30: Decimal("33.33")}),
    # no split for MEMBER on 1-4 November: Unallocated
    Version("member-1", MEMBER, d(5), d(18), {40: Decimal("100")}),
    Version("member-2", MEMBER, d(19), None, {40: Decimal("25.50"), 10: Decimal("74.50")}),
)
CLAIMS = (
    # claimed on 20 October (from the 21st), released on 9 November (its last day)
    ClaimSpan(PAYER, GLUE, 501, 50, date(2018, 10, 21), d(9)),
    # re-claimed by another workload on 14 November, from the 15th
    ClaimSpan(PAYER, GLUE, 502, 51, d(15), None),
    ClaimSpan(PAYER, RDS, 503, 50, d(7), None),
    ClaimSpan(MEMBER, EC2, 504, 52, d(3), d(20)),
    # the same resource id in the other account is another resource: it never matches
    ClaimSpan(PAYER, EC2, 599, 99, d(1), None),
)


def rules() -> AllocationRules:
    lines = [
        SplitLine(v.account, budget, percent, v.start, v.end)
        for v in VERSIONS
        for budget, percent in v.shares.items()
    ]
    return AllocationRules(lines, CLAIMS)


def _when(column: str, start: date, end: date | None) -> str:
    upper = f" AND {column} <= DATE '{end}'" if end else ""
    return f"{column} >= DATE '{start}'{upper}"


@dataclass(frozen=True)
class Expected:
    """Spend by claimed budget and by split version, from the raw file."""

    claimed: dict[int, Decimal]
    versions: dict[str, tuple[Decimal, int]]  # spend and raw rows of each version
    unallocated: Decimal
    total: Decimal

    def by_budget(self) -> dict[int, tuple[Decimal, Decimal]]:
        """budget -> (exact spend, tolerance)."""
        out: dict[int, tuple[Decimal, Decimal]] = {
            b: (amount, Decimal(0)) for b, amount in self.claimed.items()
        }
        for v in VERSIONS:
            spend, rows = self.versions.get(v.name, (Decimal(0), 0))
            for budget, percent in v.shares.items():
                amount, slack = out.get(budget, (Decimal(0), Decimal(0)))
                out[budget] = (amount + spend * percent / 100, slack + rows * UNIT)
        return out


def expected_from_raw(raw_file: Path) -> Expected:
    claim = " ".join(
        f"WHEN account_id = '{c.account_id}' AND resource_id = '{c.resource_id}' "
        f"AND {_when('day', c.start, c.end)} THEN {c.budget_id}"
        for c in CLAIMS
    )
    version = " ".join(
        f"WHEN account_id = '{v.account}' AND {_when('day', v.start, v.end)} THEN '{v.name}'"
        for v in VERSIONS
    )
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"""
            WITH raw AS (
                SELECT line_item_usage_account_id AS account_id,
                       NULLIF(line_item_resource_id, '') AS resource_id,
                       CAST(line_item_usage_start_date AS DATE) AS day,
                       CAST(line_item_unblended_cost AS DECIMAL(20,10)) AS cost
                FROM read_parquet('{raw_file}')
                WHERE line_item_line_item_type NOT IN ('Credit', 'Refund')
            )
            SELECT CASE {claim} END AS claim_budget,
                   CASE {version} END AS version,
                   SUM(cost), COUNT(*)
            FROM raw
            GROUP BY ALL
            """
        ).fetchall()
    finally:
        con.close()
    claimed: dict[int, Decimal] = {}
    versions: dict[str, tuple[Decimal, int]] = {}
    unallocated = Decimal(0)
    for budget, name, spend, count in rows:
        if budget is not None:
            claimed[budget] = claimed.get(budget, Decimal(0)) + spend
        elif name is not None:
            versions[name] = (spend, count)
        else:
            unallocated += spend
    total = sum((r[2] for r in rows), Decimal(0))
    return Expected(claimed, versions, unallocated, total)


@pytest.fixture(scope="module")
def allocated(
    wa_labs_cur: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[AllocationResult, DuckDBAllocationEngine]]:
    work = tmp_path_factory.mktemp("wa-labs")
    with CurStore(work / "store", threads=2) as store:
        store.refresh(str(wa_labs_cur), periods=["2018-11"])
        source = store.daily_costs("2018-11")
        with DuckDBAllocationEngine(threads=2) as engine:
            yield (
                engine.allocate(source, rules(), out_dir=work / "allocation", keep_lines=True),
                engine,
            )


@pytest.fixture(scope="module")
def expected(wa_labs_cur: Path) -> Expected:
    return expected_from_raw(wa_labs_cur / "Nov2018-WorkshopCUR-00001.snappy.parquet")


class TestWellArchitectedLabsNovember:
    def test_totals_match_the_raw_file_exactly(
        self, allocated: tuple[AllocationResult, DuckDBAllocationEngine], expected: Expected
    ) -> None:
        result, _ = allocated
        assert result.total == expected.total == Decimal("3505.3269681268")
        assert result.allocated + result.unallocated == result.total
        assert result.unallocated == expected.unallocated
        assert result.unallocated > 0
        assert result.excluded == 0  # the workshop CUR carries no credit or refund

    def test_spend_per_budget_matches_the_independent_computation(
        self, allocated: tuple[AllocationResult, DuckDBAllocationEngine], expected: Expected
    ) -> None:
        result, engine = allocated
        found = dict(
            engine.spend([result.summary_path], group_by="budget", include_unallocated=True)
        )
        assert found.pop(None) == expected.unallocated
        wanted = expected.by_budget()
        assert set(found) == {b for b, (amount, _) in wanted.items() if amount != 0}
        for budget, (amount, slack) in wanted.items():
            got = found.get(budget, Decimal(0))
            if slack == 0:
                assert got == amount, budget  # claims are exact
            else:
                assert abs(got - amount) <= slack, (budget, got, amount, slack)
        assert 99 not in found  # a claim in the wrong account matches nothing

    def test_split_budgets_share_exactly_their_versions_spend(
        self, allocated: tuple[AllocationResult, DuckDBAllocationEngine], expected: Expected
    ) -> None:
        result, engine = allocated
        found = dict(engine.spend([result.summary_path], group_by="budget"))
        split_budgets = {10, 20, 30, 40}
        assert sum(found[b] for b in split_budgets) == sum(
            spend for spend, _ in expected.versions.values()
        )

    def test_the_remap_takes_effect_on_the_monday(
        self, allocated: tuple[AllocationResult, DuckDBAllocationEngine]
    ) -> None:
        result, engine = allocated
        days = {
            day for day, _ in engine.spend([result.summary_path], group_by="day", budget_ids={10})
        }
        # budget 10 holds half of PAYER up to Sunday 11 November, then 74.5% of MEMBER from
        # Monday 19 November; nothing in between
        assert d(11) in days
        assert d(19) in days
        assert not days & {d(12) + timedelta(days=i) for i in range(7)}

    def test_a_claim_holds_from_the_day_after_to_the_release_day(
        self, allocated: tuple[AllocationResult, DuckDBAllocationEngine]
    ) -> None:
        result, engine = allocated
        days = [
            day for day, _ in engine.spend([result.summary_path], group_by="day", budget_ids={52})
        ]
        assert (days[0], days[-1]) == (d(3), d(20))
        glue_reclaimed = engine.spend([result.summary_path], group_by="day", budget_ids={51})
        assert glue_reclaimed[0][0] == d(15)
