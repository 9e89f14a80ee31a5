"""The DuckDB allocation engine: determinism, atomic output, totals, and the spend reads."""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.allocation.engine import (
    ALLOCATED_FILE,
    COUNTS_FILE,
    SUMMARY_FILE,
    AllocationResult,
    DuckDBAllocationEngine,
)
from adapters.allocation.sql import SplitMethod
from domain.allocation.reference import CostRow
from domain.allocation.rules import AllocationRules, CostBasis, NegotiatedDiscount
from domain.errors import RuleViolation
from domain.spend.models import DailyCostSource
from tests.integration.allocation.daily_files import daily_source, read_lines
from tests.unit.allocation.builders import ACCOUNT, OTHER, THIRD, a_claim, a_row, a_split


def busy_month(n: int = 3_000, seed: int = 7) -> list[CostRow]:
    """Many rows over three accounts, every kind of line, awkward amounts."""
    rng = random.Random(seed)
    types = ["Usage"] * 8 + ["Tax", "Credit", "Refund", "SavingsPlanNegation", "RIFee"]
    return [
        a_row(
            cost=str(Decimal(rng.randrange(-(10**9), 10**12)).scaleb(-10)),
            usage_date=date(2026, 3, 1) + timedelta(days=rng.randrange(31)),
            account_id=rng.choice([ACCOUNT, OTHER, THIRD]),
            resource_id=rng.choice([None, "i-1", "i-2", "vol-3", "db-4"]),
            service=rng.choice(["AmazonEC2", "AmazonRDS", None]),
            line_item_type=rng.choice(types),
        )
        for _ in range(n)
    ]


def busy_rules() -> AllocationRules:
    return AllocationRules(
        [
            *a_split({1: "33.33", 2: "33.33", 3: "33.34"}, end=date(2026, 3, 15)),
            *a_split({2: "12.5", 4: "87.5"}, start=date(2026, 3, 16)),
            *a_split({5: "100"}, account_id=OTHER),
        ],
        [
            a_claim(resource_id="i-1", budget_id=9, start=date(2026, 3, 5), end=date(2026, 3, 20)),
            a_claim(resource_id="i-1", workload_id=901, budget_id=8, start=date(2026, 3, 21)),
            a_claim(resource_id="vol-3", account_id=OTHER, budget_id=9),
        ],
    )


def allocate(
    engine: DuckDBAllocationEngine,
    source: DailyCostSource,
    out: Path,
    rules: AllocationRules | None = None,
    **kwargs: object,
) -> AllocationResult:
    """A run that keeps its lines (the tests compare them), unless `keep_lines=False`."""
    kwargs.setdefault("keep_lines", True)
    return engine.allocate(source, rules or busy_rules(), out_dir=out, **kwargs)  # type: ignore[arg-type]


def lines_of(result: AllocationResult) -> list[tuple[object, ...]]:
    assert result.path is not None
    return read_lines(result.path)


@pytest.fixture
def engine() -> Iterator[DuckDBAllocationEngine]:
    with DuckDBAllocationEngine(memory_limit="256MB") as engine:
        yield engine


class TestDeterminism:
    def test_threads_and_file_order_do_not_change_the_output(
        self, engine: DuckDBAllocationEngine, tmp_path: Path
    ) -> None:
        source = daily_source(tmp_path / "daily", busy_month(), files=4)
        shuffled = list(source.daily_paths)
        random.Random(1).shuffle(shuffled)
        assert shuffled != list(source.daily_paths)

        one = allocate(engine, source, tmp_path / "one", threads=1)
        two = allocate(
            engine,
            DailyCostSource(source.period, tuple(shuffled), ()),
            tmp_path / "two",
            threads=2,
        )

        # the same lines (their order in the file is not part of the result) and, sorted, the
        # same summary to the byte
        assert sorted(lines_of(one), key=repr) == sorted(lines_of(two), key=repr)
        assert one.summary_path.read_bytes() == two.summary_path.read_bytes()
        assert (one.total, one.allocated, one.rows) == (two.total, two.allocated, two.rows)
        # and without the lines
        three = allocate(engine, source, tmp_path / "three", threads=2, keep_lines=False)
        assert three.summary_path.read_bytes() == one.summary_path.read_bytes()

    def test_the_window_formulation_writes_the_same_lines(self, tmp_path: Path) -> None:
        source = daily_source(tmp_path / "daily", busy_month(), files=2)
        with DuckDBAllocationEngine(method="arrays") as engine:
            arrays = allocate(engine, source, tmp_path / "a")
        with DuckDBAllocationEngine(method="window") as engine:
            window = allocate(engine, source, tmp_path / "w")
        assert sorted(lines_of(arrays), key=repr) == sorted(lines_of(window), key=repr)


class TestConcurrency:
    def test_parallel_runs_on_one_engine_keep_their_own_rules(self, tmp_path: Path) -> None:
        rows = busy_month(500)
        source = daily_source(tmp_path / "daily", rows)
        other_rules = AllocationRules(a_split({6: "100"}), [])
        with DuckDBAllocationEngine(threads=2) as engine:
            with ThreadPoolExecutor(max_workers=4) as pool:
                runs = [
                    pool.submit(
                        allocate, engine, source, tmp_path / f"r{i}", rules, keep_lines=i < 2
                    )
                    for i, rules in enumerate([busy_rules(), other_rules] * 2)
                ]
                results = [run.result() for run in runs]
            found = [engine.spend([r.summary_path], group_by="budget") for r in results]
        assert found[0] == found[2]
        assert found[1] == found[3]
        assert [b for b, _ in found[1]] == [6]
        assert {b for b, _ in found[0]} == {1, 2, 3, 4, 5, 8, 9}


class TestResult:
    def test_totals_conserve_the_spend(
        self, engine: DuckDBAllocationEngine, tmp_path: Path
    ) -> None:
        rows = busy_month()
        result = allocate(engine, daily_source(tmp_path / "daily", rows), tmp_path / "out")
        spend = sum(
            (
                r.unblended_cost or Decimal(0)
                for r in rows
                if r.line_item_type not in ("Credit", "Refund")
            ),
            Decimal(0),
        )
        excluded = sum(
            (
                r.unblended_cost or Decimal(0)
                for r in rows
                if r.line_item_type in ("Credit", "Refund")
            ),
            Decimal(0),
        )
        assert result.total == spend
        assert result.allocated + result.unallocated == spend
        assert result.unallocated != 0  # THIRD has no split
        assert result.excluded == excluded
        assert result.period == "2026-03"
        assert result.basis is CostBasis.UNBLENDED
        assert result.path == tmp_path / "out" / ALLOCATED_FILE
        assert result.summary_path == tmp_path / "out" / SUMMARY_FILE
        assert result.rows == len(lines_of(result))

    def test_the_output_schema(self, engine: DuckDBAllocationEngine, tmp_path: Path) -> None:
        import duckdb

        result = allocate(engine, daily_source(tmp_path / "d", busy_month(50)), tmp_path / "out")
        schema = duckdb.connect().execute(f"DESCRIBE SELECT * FROM '{result.path}'").fetchall()
        assert result.path is not None
        assert [(c[0], c[1]) for c in schema] == [
            ("usage_date", "DATE"),
            ("account_id", "VARCHAR"),
            ("resource_id", "VARCHAR"),
            ("service", "VARCHAR"),
            ("line_item_type", "VARCHAR"),
            ("budget_id", "BIGINT"),
            ("workload_id", "BIGINT"),
            ("amount", "DECIMAL(20,10)"),
        ]

    def test_the_cost_basis_is_chosen_per_run(
        self, engine: DuckDBAllocationEngine, tmp_path: Path
    ) -> None:
        rows = [a_row(cost="10", net="9", amortized="7")]
        source = daily_source(tmp_path / "d", rows)
        result = allocate(engine, source, tmp_path / "o", basis=CostBasis.AMORTIZED)
        assert result.total == 7
        assert result.basis is CostBasis.AMORTIZED

    def test_a_negotiated_discount_applies_to_a_gross_period(
        self, engine: DuckDBAllocationEngine, tmp_path: Path
    ) -> None:
        rules = AllocationRules(
            a_split({1: "100"}), [], [NegotiatedDiscount(Decimal("5"), date(2026, 1, 1))]
        )
        gross = daily_source(tmp_path / "g", [a_row(cost="100")])
        net = daily_source(
            tmp_path / "n", [a_row(cost="100"), a_row(cost="-2", line_item_type="EdpDiscount")]
        )
        assert allocate(engine, gross, tmp_path / "go", rules).negotiated_discount == -5
        assert allocate(engine, gross, tmp_path / "go", rules).total == 95
        assert allocate(engine, net, tmp_path / "no", rules).negotiated_discount == 0


class TestWithoutLines:
    """The default run writes only the summary, the same to the byte as with the lines."""

    @pytest.mark.parametrize("method", ["arrays", "window"])
    def test_the_same_summary_and_figures_as_with_the_lines(
        self, tmp_path: Path, method: SplitMethod
    ) -> None:
        source = daily_source(tmp_path / "daily", busy_month(), files=3)
        rules = AllocationRules(
            busy_rules().splits,
            busy_rules().claims,
            [NegotiatedDiscount(Decimal("3.5"), date(2026, 3, 10))],
        )
        with DuckDBAllocationEngine(memory_limit="256MB", method=method) as engine:
            lines = allocate(engine, source, tmp_path / "lines", rules)
            summary = engine.allocate(source, rules, out_dir=tmp_path / "summary")
        assert summary.path is None
        assert summary.summary_path == tmp_path / "summary" / SUMMARY_FILE
        # the summary, and its line counts for incremental runs
        assert sorted(p.name for p in (tmp_path / "summary").iterdir()) == sorted(
            [COUNTS_FILE, SUMMARY_FILE]
        )
        assert summary.summary_path.read_bytes() == lines.summary_path.read_bytes()
        assert summary.negotiated_discount != 0
        assert summary.rows == len(lines_of(lines))
        assert replace(summary, path=lines.path, summary_path=lines.summary_path) == lines

    def test_a_run_without_lines_removes_the_lines_of_an_earlier_run(
        self, engine: DuckDBAllocationEngine, tmp_path: Path
    ) -> None:
        out = tmp_path / "out"
        source = daily_source(tmp_path / "d", busy_month(200))
        first = allocate(engine, source, out)
        before = first.summary_path.read_bytes()
        again = allocate(engine, source, out, keep_lines=False)
        assert sorted(p.name for p in out.iterdir()) == sorted([COUNTS_FILE, SUMMARY_FILE])
        assert again.summary_path.read_bytes() == before
        assert engine.spend([out], group_by="budget") == engine.spend(
            [again.summary_path], group_by="budget"
        )


class TestAtomicOutput:
    @pytest.mark.parametrize("keep_lines", [True, False])
    def test_a_failed_run_leaves_the_previous_result(
        self, engine: DuckDBAllocationEngine, tmp_path: Path, keep_lines: bool
    ) -> None:
        out = tmp_path / "out"
        first = allocate(engine, daily_source(tmp_path / "d", busy_month(100)), out)
        assert first.path is not None
        before = first.path.read_bytes(), first.summary_path.read_bytes()
        broken = DailyCostSource("2026-03", (str(tmp_path / "missing.parquet"),), ())
        with pytest.raises(Exception, match="missing.parquet"):
            allocate(engine, broken, out, keep_lines=keep_lines)
        assert (first.path.read_bytes(), first.summary_path.read_bytes()) == before
        assert sorted(p.name for p in out.iterdir()) == [ALLOCATED_FILE, SUMMARY_FILE]

    def test_invalid_rules_write_nothing(
        self, engine: DuckDBAllocationEngine, tmp_path: Path
    ) -> None:
        with pytest.raises(RuleViolation):
            allocate(
                engine,
                daily_source(tmp_path / "d", busy_month(10)),
                tmp_path / "out",
                AllocationRules(a_split({1: "90"}), []),
            )
        assert not (tmp_path / "out").exists()

    def test_a_period_without_daily_files_is_refused(
        self, engine: DuckDBAllocationEngine, tmp_path: Path
    ) -> None:
        with pytest.raises(RuleViolation, match="no daily cost file"):
            allocate(engine, DailyCostSource("2026-03", (), ()), tmp_path / "out")


class TestSpend:
    @pytest.fixture
    def results(self, engine: DuckDBAllocationEngine, tmp_path: Path) -> list[AllocationResult]:
        march = [
            a_row(cost="10", resource_id="i-2", usage_date=date(2026, 3, 10)),  # split 1/2/3
            a_row(cost="5", resource_id="i-1", usage_date=date(2026, 3, 10), service="AmazonS3"),
            a_row(cost="7", account_id=THIRD, usage_date=date(2026, 3, 11)),  # unallocated
            a_row(cost="3", account_id=OTHER, usage_date=date(2026, 3, 11)),  # budget 5
        ]
        april = [a_row(cost="2", account_id=OTHER, usage_date=date(2026, 4, 1))]
        return [
            allocate(
                engine, daily_source(tmp_path / "m", march), tmp_path / "2026-03", keep_lines=False
            ),
            allocate(
                engine,
                daily_source(tmp_path / "a", april, period="2026-04"),
                tmp_path / "2026-04",
                keep_lines=False,
            ),
        ]

    def test_by_budget_over_two_periods(
        self, engine: DuckDBAllocationEngine, results: list[AllocationResult]
    ) -> None:
        paths = [r.summary_path for r in results]
        assert engine.spend(paths, group_by="budget") == [
            (1, Decimal("3.333")),
            (2, Decimal("3.333")),
            (3, Decimal("3.334")),
            (5, Decimal("5")),
            (9, Decimal("5")),
        ]
        with_unallocated = engine.spend(paths, group_by="budget", include_unallocated=True)
        assert with_unallocated[-1] == (None, Decimal("7"))

    def test_filtered_to_budgets_by_day(
        self, engine: DuckDBAllocationEngine, results: list[AllocationResult]
    ) -> None:
        folders = [r.summary_path.parent for r in results]
        assert engine.spend(folders, group_by="day", budget_ids={5, 9}) == [
            (date(2026, 3, 10), Decimal("5")),
            (date(2026, 3, 11), Decimal("3")),
            (date(2026, 4, 1), Decimal("2")),
        ]
        assert engine.spend(folders, group_by="day", budget_ids={5}, include_unallocated=True) == [
            (date(2026, 3, 11), Decimal("10")),
            (date(2026, 4, 1), Decimal("2")),
        ]
        assert engine.spend(folders, group_by="day", budget_ids=set()) == []

    def test_by_account_service_and_type(
        self, engine: DuckDBAllocationEngine, results: list[AllocationResult]
    ) -> None:
        paths = [results[0].summary_path]
        assert engine.spend(paths, group_by="account", include_unallocated=True) == [
            (ACCOUNT, Decimal("15")),
            (OTHER, Decimal("3")),
            (THIRD, Decimal("7")),
        ]
        assert engine.spend(paths, group_by="service") == [
            ("AmazonEC2", Decimal("13")),
            ("AmazonS3", Decimal("5")),
        ]
        assert engine.spend(paths, group_by="type") == [("Usage", Decimal("18"))]

    def test_an_unknown_grouping_is_refused(
        self, engine: DuckDBAllocationEngine, results: list[AllocationResult]
    ) -> None:
        with pytest.raises(RuleViolation):
            engine.spend([results[0].summary_path], group_by="region")  # type: ignore[arg-type]

    def test_no_periods_no_spend(self, engine: DuckDBAllocationEngine) -> None:
        assert engine.spend([], group_by="budget") == []
