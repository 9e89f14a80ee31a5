"""The DuckDB engine and the pure-Python reference give exactly the same lines.

Random split versions (with remaps mid-month and gaps), claims, releases and re-claims, negotiated
discounts, every line item type, costs from 1E-10 to the largest DECIMAL(20,10), both signs,
and every cost basis; both SQL formulations of the split (`arrays`, `window`).
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from adapters.allocation.engine import DuckDBAllocationEngine
from adapters.allocation.sql import SplitMethod
from domain.allocation import reference
from domain.allocation.reference import CostRow
from domain.allocation.rules import AllocationRules, CostBasis
from domain.allocation.service import rules_from
from domain.allocation.splits import SplitShare, SplitVersion
from domain.allocation.workloads import Claim
from tests.integration.allocation.daily_files import (
    as_line,
    daily_source,
    multiset,
    read_lines,
    total,
)
from tests.unit.allocation.builders import ACCOUNT, a_row, a_split, bases, cost_rows, rules


@pytest.fixture(scope="module", params=["arrays", "window"])
def engine(request: pytest.FixtureRequest) -> Iterator[DuckDBAllocationEngine]:
    method: SplitMethod = request.param
    with DuckDBAllocationEngine(threads=2, memory_limit="256MB", method=method) as engine:
        yield engine


class TestEngineMatchesReference:
    @settings(
        max_examples=50,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(rows=cost_rows(max_size=60), rules_=rules, basis=bases)
    def test_same_lines_and_totals(
        self,
        engine: DuckDBAllocationEngine,
        rows: list[CostRow],
        rules_: AllocationRules,
        basis: CostBasis,
    ) -> None:
        expected = reference.allocate(rows, rules_, basis=basis)
        with tempfile.TemporaryDirectory() as tmp:
            source = daily_source(Path(tmp) / "daily", rows, files=2)
            result = engine.allocate(
                source, rules_, basis=basis, out_dir=Path(tmp) / "out", keep_lines=True
            )
            assert result.path is not None
            lines = read_lines(result.path)
            # without the lines (the default): the same summary to the byte, the same figures
            summary = engine.allocate(source, rules_, basis=basis, out_dir=Path(tmp) / "summary")
            assert summary.path is None
            assert summary.summary_path.read_bytes() == result.summary_path.read_bytes()
            assert (
                dataclasses.replace(summary, path=result.path, summary_path=result.summary_path)
                == result
            )

        assert multiset(lines) == multiset([as_line(ln) for ln in expected.lines])
        assert result.rows == len(expected.lines)
        assert (result.total, result.allocated, result.unallocated) == (
            expected.total,
            expected.allocated,
            expected.unallocated,
        )
        assert result.excluded == expected.excluded
        assert result.negotiated_discount == expected.negotiated_discount
        assert result.allocated + result.unallocated == result.total == total(lines)


class TestEdgeCasesAgree:
    """A few fixed inputs the random search may miss, on both formulations."""

    def test_largest_costs_split_exactly(
        self, engine: DuckDBAllocationEngine, tmp_path: Path
    ) -> None:
        rows = [
            a_row(cost="9999999999.9999999999"),
            a_row(cost="-9999999999.9999999999", resource_id="i-2"),
            a_row(cost="0.0000000001", resource_id="i-3"),
            a_row(cost="0", resource_id="i-4"),
        ]
        rules_ = AllocationRules(a_split({3: "33.33", 1: "33.33", 2: "33.34"}), [])
        expected = reference.allocate(rows, rules_)
        result = engine.allocate(
            daily_source(tmp_path, rows), rules_, out_dir=tmp_path / "out", keep_lines=True
        )
        assert result.path is not None
        assert multiset(read_lines(result.path)) == multiset([as_line(ln) for ln in expected.lines])
        assert result.total == Decimal("1E-10")

    @pytest.mark.parametrize("lines", [2, 3, 4, 5])
    def test_summary_split_agrees_either_side_of_64_bits(
        self, engine: DuckDBAllocationEngine, tmp_path: Path, lines: int
    ) -> None:
        """The summary splits costs below 10^8 in 64-bit integers and ranks 2 to 4 lines in
        closed form: the same summary, to the byte, as the lines written by the general split,
        for costs either side of 10^8 and up to the largest, both signs, every remainder."""
        costs = [
            "99999999.9999999999",
            "-99999999.9999999999",
            "100000000",
            "-100000000.0000000001",
            "9999999999.9999999999",
            "-9999999999.9999999999",
            "0.0000000001",
            "0.0000000003",
            "-0.0000000007",
            "0.0000005",
            "12345.6789012345",
            "0",
        ]
        rows = [a_row(cost=c, resource_id=f"i-{i}") for i, c in enumerate(costs)]
        percents = {
            2: {3: "50.00", 1: "50.00"},
            3: {3: "33.33", 1: "33.33", 2: "33.34"},
            4: {4: "25.01", 2: "24.99", 1: "25.00", 3: "25.00"},
            5: {5: "20.01", 1: "19.99", 4: "20.00", 2: "20.00", 3: "20.00"},
        }[lines]
        rules_ = AllocationRules(a_split(percents), [])
        expected = reference.allocate(rows, rules_)
        source = daily_source(tmp_path / "daily", rows)
        with_lines = engine.allocate(source, rules_, out_dir=tmp_path / "lines", keep_lines=True)
        summary = engine.allocate(source, rules_, out_dir=tmp_path / "sum")
        assert with_lines.path is not None
        assert multiset(read_lines(with_lines.path)) == multiset(
            [as_line(ln) for ln in expected.lines]
        )
        assert summary.summary_path.read_bytes() == with_lines.summary_path.read_bytes()

    def test_splits_and_claims_end_with_their_budgets_year(
        self, engine: DuckDBAllocationEngine, tmp_path: Path
    ) -> None:
        """Open-ended 2026 rules as stored (a split, a claim made on 31 December and one made
        before) allocate December 2026 and leave January 2027 Unallocated, in both."""
        at = datetime(2026, 11, 1, tzinfo=UTC)
        splits = [
            SplitVersion(
                1,
                ACCOUNT,
                date(2026, 12, 1),
                None,
                (SplitShare(1, Decimal("60")), SplitShare(2, Decimal("40"))),
                "fin@x",
                at,
            )
        ]
        claims = [
            Claim(1, ACCOUNT, "i-1", 7, 2, at, "fin@x", date(2026, 12, 2), None, None, None),
            Claim(2, ACCOUNT, "i-2", 8, 1, at, "fin@x", date(2027, 1, 1), None, None, None),
        ]
        rules_ = rules_from(splits, claims, {1: 2026, 2: 2026})
        for period, days in (
            ("2026-12", (date(2026, 12, 30), date(2026, 12, 31))),
            ("2027-01", (date(2027, 1, 1), date(2027, 1, 2))),
        ):
            rows = [
                a_row(usage_date=d, resource_id=r, cost="3.0000000001")
                for d in days
                for r in ("i-1", "i-2", "i-3")
            ]
            expected = reference.allocate(rows, rules_)
            result = engine.allocate(
                daily_source(tmp_path / period, rows, period=period),
                rules_,
                out_dir=tmp_path / f"out-{period}",
                keep_lines=True,
            )
            assert result.path is not None
            assert multiset(read_lines(result.path)) == multiset(
                [as_line(ln) for ln in expected.lines]
            )
            if period == "2027-01":
                assert result.unallocated == result.total == expected.unallocated
            else:
                assert result.unallocated == 0
                assert {ln.workload_id for ln in expected.lines} == {7, None}
