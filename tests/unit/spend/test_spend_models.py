"""Spend value objects: pure, frozen, Decimal money."""

from __future__ import annotations

import ast
import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.periods import is_billing_period
from domain.spend.models import (
    BillingPeriod,
    DailyCostSource,
    ResourcePage,
    ResourceRow,
    SeenAccount,
)

SPEND_PACKAGE = Path(__file__).resolve().parents[3] / "domain" / "spend"
FORBIDDEN = {"duckdb", "pyarrow", "sqlalchemy", "pydantic", "fastapi", "boto3", "pandas"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


class TestPurity:
    def test_domain_spend_imports_no_infrastructure(self) -> None:
        files = sorted(SPEND_PACKAGE.rglob("*.py"))

        assert files
        for f in files:
            assert not imported_roots(f) & FORBIDDEN, f


def a_period(**changes: object) -> BillingPeriod:
    values: dict[str, object] = {
        "period": "2026-01",
        "finalized": True,
        "invoice_ids": ("156090591",),
        "rows": 10,
        "total_unblended_cost": Decimal("12.3400000000"),
        "refreshed_at": datetime(2026, 2, 3, tzinfo=UTC),
        "currency": "USD",
        "format": "cur2-parquet",
    }
    values.update(changes)
    return BillingPeriod(**values)  # type: ignore[arg-type]


class TestValueObjects:
    def test_are_frozen(self) -> None:
        period = a_period()
        row = ResourceRow(
            "i-1", "AmazonEC2", "011254002932", "us-east-1", {}, Decimal(1), "2026-01"
        )

        with pytest.raises(dataclasses.FrozenInstanceError):
            period.rows = 11  # type: ignore[misc]
        with pytest.raises(dataclasses.FrozenInstanceError):
            row.cost = Decimal(2)  # type: ignore[misc]

    def test_equal_by_value(self) -> None:
        assert a_period() == a_period()
        assert a_period() != a_period(finalized=False, invoice_ids=())
        assert ResourcePage(items=()) == ResourcePage(items=(), next_cursor=None)
        assert SeenAccount("011254002932", None, date(2018, 10, 1)).account_id == "011254002932"


class TestDailyCostSource:
    def test_line_items_and_tag_columns_are_optional(self) -> None:
        source = DailyCostSource(period="2026-01", daily_paths=("daily.parquet",))

        assert source.line_item_paths == ()
        assert source.tag_columns == ()
        assert source == DailyCostSource("2026-01", ("daily.parquet",), (), ())

    def test_the_positional_form_still_works(self) -> None:
        source = DailyCostSource("2026-01", ("d.parquet",), ("li.parquet",), ("tag_team",))

        assert (source.line_item_paths, source.tag_columns) == (("li.parquet",), ("tag_team",))


class TestBillingPeriodLabel:
    @given(st.integers(1, 9999), st.integers(1, 12))
    def test_every_month_label_is_accepted(self, year: int, month: int) -> None:
        assert is_billing_period(f"{year:04d}-{month:02d}")

    @given(st.text(max_size=12))
    def test_anything_else_is_refused(self, text: str) -> None:
        looks_right = (
            len(text) == 7
            and text[:4].isascii()
            and text[:4].isdigit()
            and text[4] == "-"
            and text[5:] in {f"{m:02d}" for m in range(1, 13)}
        )

        assert is_billing_period(text) == looks_right

    @pytest.mark.parametrize(
        "text", ["2026-00", "2026-13", "2026-1", "26-01", "2026-01-01", "", "2026-01\n", "٢٠٢٦-01"]
    )
    def test_near_misses(self, text: str) -> None:
        assert not is_billing_period(text)
