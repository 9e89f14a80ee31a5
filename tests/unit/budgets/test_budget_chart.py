"""Chart-of-accounts CSV: valid variants parse; every bad file lists every error."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest

from domain.budgets.chart import parse_chart_of_accounts
from domain.budgets.model import HierarchyLabels
from domain.errors import ErrorDetail, RuleViolation

HEADER = "Business Unit,Department,Portfolio,Product,Annual Budget"


def a_row(
    *,
    unit: str = "Retail",
    department: str = "Cards",
    portfolio: str = "Payments",
    product: str = "Checkout",
    amount: str = "1000.00",
    extra: Sequence[str] = (),
) -> str:
    return ",".join([unit, department, portfolio, product, amount, *extra])


def chart_csv(*rows: str, header: str = HEADER, newline: str = "\n", bom: bool = False) -> bytes:
    text = newline.join([header, *rows]) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def refused(data: bytes, **kwargs: int) -> list[ErrorDetail]:
    with pytest.raises(RuleViolation) as exc:
        parse_chart_of_accounts(data, **kwargs)
    return exc.value.errors


def where(errors: list[ErrorDetail]) -> list[tuple[int | None, str | None]]:
    return [(e.row, e.column) for e in errors]


class TestValidFile:
    def test_parses_labels_rows_and_amounts(self) -> None:
        chart = parse_chart_of_accounts(
            chart_csv(a_row(), a_row(product="Wallet", amount='"$2,500.50"'))
        )
        assert chart.labels == HierarchyLabels(
            "Business Unit", "Department", "Portfolio", "Product"
        )
        assert chart.amount_header == "Annual Budget"
        assert [r.row for r in chart.rows] == [2, 3]
        assert chart.rows[1].path == ("Retail", "Cards", "Payments", "Wallet")
        assert chart.rows[1].annual_amount == Decimal("2500.50")
        assert chart.total == Decimal("3500.50")

    def test_custom_level_labels_come_from_the_header(self) -> None:
        chart = parse_chart_of_accounts(
            chart_csv(a_row(), header="Segment,Division,Program,Project,Amount")
        )
        assert chart.labels.as_tuple() == ("Segment", "Division", "Program", "Project")

    def test_bom(self) -> None:
        chart = parse_chart_of_accounts(chart_csv(a_row(), bom=True))
        assert chart.labels.level_1 == "Business Unit"

    def test_crlf(self) -> None:
        chart = parse_chart_of_accounts(chart_csv(a_row(), a_row(product="B"), newline="\r\n"))
        assert [r.path[3] for r in chart.rows] == ["Checkout", "B"]
        assert chart.rows[1].row == 3

    def test_extra_columns_kept_as_attributes(self) -> None:
        chart = parse_chart_of_accounts(
            chart_csv(
                a_row(extra=["CC-100", " Ana "]),
                a_row(product="B", extra=["", "Bo"]),
                header=HEADER + ",Cost Centre,Owner",
            )
        )
        assert chart.attribute_headers == ("Cost Centre", "Owner")
        assert chart.rows[0].attributes == {"Cost Centre": "CC-100", "Owner": "Ana"}
        assert chart.rows[1].attributes == {"Cost Centre": "", "Owner": "Bo"}

    def test_quoted_names_with_commas_and_newlines(self) -> None:
        data = chart_csv(
            'Retail,"Cards, Loans","Pay\nments",Checkout,"1,000.00"',
            a_row(product="Next"),
            newline="\r\n",
        ).replace(b"Pay\nments", b"Pay\r\nments")
        chart = parse_chart_of_accounts(data)
        assert chart.rows[0].path == ("Retail", "Cards, Loans", "Pay ments", "Checkout")
        assert chart.rows[0].annual_amount == Decimal("1000.00")
        # the record after a two-line record starts on line 4
        assert chart.rows[1].row == 4

    def test_blank_lines_and_empty_records_are_skipped(self) -> None:
        chart = parse_chart_of_accounts(chart_csv("", a_row(), ",,,,", a_row(product="B")))
        assert [r.row for r in chart.rows] == [3, 5]

    def test_trailing_blank_header_columns_are_ignored(self) -> None:
        chart = parse_chart_of_accounts(chart_csv(a_row(extra=["", ""]), header=HEADER + ",,"))
        assert chart.attribute_headers == ()
        assert chart.rows[0].attributes == {}

    def test_same_names_under_different_parents(self) -> None:
        chart = parse_chart_of_accounts(
            chart_csv(a_row(portfolio="A", product="Core"), a_row(portfolio="B", product="Core"))
        )
        assert len(chart.rows) == 2

    def test_parses_20000_rows(self) -> None:
        rows = [
            a_row(
                unit=f"BU {i % 5}",
                department=f"Dept {i % 50}",
                portfolio=f'"Port, {i % 500}"',
                product=f"Product {i}",
                amount=f'"$1,{i % 1000:03d}.{i % 100:02d}"',
                extra=[f"CC{i}"],
            )
            for i in range(20_000)
        ]
        data = chart_csv(*rows, header=HEADER + ",Cost Centre", newline="\r\n")
        chart = parse_chart_of_accounts(data)
        assert len(chart.rows) == 20_000
        assert chart.rows[-1].path[-1] == "Product 19999"


class TestFileLevelErrors:
    @pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"  \r\n\n", b",,,,\n"])
    def test_empty_file(self, data: bytes) -> None:
        errors = refused(data)
        assert [e.message for e in errors] == ["the file is empty"]

    def test_header_only(self) -> None:
        errors = refused(chart_csv())
        assert [e.message for e in errors] == ["the file has a header but no budget rows"]

    def test_semicolon_delimited(self) -> None:
        data = b"Business Unit;Department;Portfolio;Product;Amount\nA;B;C;D;1\n"
        errors = refused(data)
        assert len(errors) == 1
        assert "must be comma-delimited" in errors[0].message
        assert errors[0].row == 1

    def test_tab_delimited(self) -> None:
        errors = refused(b"a\tb\tc\td\te\n1\t2\t3\t4\t5\n")
        assert "must be comma-delimited (it looks tab-delimited)" in errors[0].message

    def test_missing_column(self) -> None:
        errors = refused(chart_csv("A,B,C,D", header="Business Unit,Department,Portfolio,Product"))
        assert len(errors) == 1
        assert "the header has 4 columns; at least 5" in errors[0].message

    def test_non_utf8_bytes_name_the_line(self) -> None:
        data = chart_csv(a_row(), a_row(product="B")) + "Caf\u00e9,B,C,D,1\n".encode("latin-1")
        errors = refused(data)
        assert where(errors) == [(4, None)]
        assert "not UTF-8" in errors[0].message
        assert "0xE9" in errors[0].message

    def test_every_non_utf8_line_is_listed(self) -> None:
        data = "h\xe9,b,c,d,e\nx,y,z,w,1\nZ\xfcrich,b,c,d,2\n".encode("cp1252")
        assert [e.row for e in refused(data)] == [1, 3]

    def test_unclosed_quote(self) -> None:
        errors = refused(chart_csv(a_row(), 'Retail,"Cards,Payments,X,1'))
        assert where(errors) == [(3, None)]
        assert "never closed" in errors[0].message

    def test_too_many_rows(self) -> None:
        errors = refused(chart_csv(a_row(), a_row(product="B"), a_row(product="C")), max_rows=2)
        assert where(errors) == [(4, None)]
        assert "more than 2 budget rows" in errors[0].message

    def test_max_rows_allows_the_limit(self) -> None:
        chart = parse_chart_of_accounts(chart_csv(a_row(), a_row(product="B")), max_rows=2)
        assert len(chart.rows) == 2


class TestHeaderErrors:
    def test_blank_header_labels(self) -> None:
        errors = refused(chart_csv(a_row(), header="Business Unit, ,Portfolio,,Amount"))
        assert where(errors) == [(1, "2"), (1, "4")]
        assert errors[0].message == "level 2 label is blank"

    def test_blank_amount_header(self) -> None:
        errors = refused(chart_csv(a_row(), header="A,B,C,D,"))
        assert where(errors) == [(1, "5")]

    def test_duplicate_headers(self) -> None:
        errors = refused(chart_csv(a_row(extra=["x"]), header="A,B,C,D,Amount,a"))
        assert where(errors) == [(1, "6")]
        assert "duplicate header 'a' (also column 1)" in errors[0].message

    def test_missing_header_row(self) -> None:
        errors = refused(chart_csv(a_row(product="B"), header=a_row()))
        assert where(errors) == [(1, "5")]
        assert "must be the header" in errors[0].message

    def test_header_and_row_errors_together(self) -> None:
        errors = refused(chart_csv(a_row(amount="-1"), header="A,,C,D,Amount"))
        assert where(errors) == [(1, "2"), (2, "Amount")]


class TestRowErrors:
    def test_wrong_number_of_fields(self) -> None:
        errors = refused(chart_csv(a_row(), "A,B,C,D", a_row(extra=["x"])))
        assert where(errors) == [(3, None), (4, None)]
        assert errors[0].message == "the row has 4 fields; the header has 5"

    def test_blank_names(self) -> None:
        errors = refused(chart_csv(a_row(department=" "), a_row(product="")))
        assert where(errors) == [(2, "Department"), (3, "Product")]
        assert errors[0].message == "Department name is blank"

    def test_control_characters(self) -> None:
        errors = refused(chart_csv(a_row(portfolio="Pay\x00ments"), a_row(product="B\tC")))
        assert where(errors) == [(2, "Portfolio"), (3, "Product")]
        assert all("control character" in e.message for e in errors)

    def test_control_character_in_attribute(self) -> None:
        errors = refused(chart_csv(a_row(extra=["CC\x07"]), header=HEADER + ",Cost Centre"))
        assert where(errors) == [(2, "Cost Centre")]

    def test_value_under_a_blank_header(self) -> None:
        errors = refused(chart_csv(a_row(extra=["x"]), header=HEADER + ","))
        assert where(errors) == [(2, "column 6")]

    @pytest.mark.parametrize(
        ("amount", "fragment"),
        [
            ("-5", "negative"),
            ("NaN", "finite"),
            ("", "blank"),
            ("lots", "not a number"),
            ("1.234", "more than 2 decimal"),
            ('"1,23.4"', "thousands separator"),
        ],
    )
    def test_bad_amounts(self, amount: str, fragment: str) -> None:
        errors = refused(chart_csv(a_row(amount=amount)))
        assert where(errors) == [(2, "Annual Budget")]
        assert fragment in errors[0].message

    def test_every_error_of_every_row_is_listed(self) -> None:
        errors = refused(
            chart_csv(
                a_row(),
                a_row(unit="", product="B", amount="-1"),
                a_row(product="C", amount="NaN"),
                a_row(product="D", amount=""),
            )
        )
        assert where(errors) == [
            (3, "Business Unit"),
            (3, "Annual Budget"),
            (4, "Annual Budget"),
            (5, "Annual Budget"),
        ]


class TestSiblingUniqueness:
    def test_duplicate_product_path_reports_both_rows(self) -> None:
        errors = refused(chart_csv(a_row(), a_row(product="Other"), a_row(amount="5")))
        assert where(errors) == [(2, "Product"), (4, "Product")]
        assert "also on row 4" in errors[0].message
        assert "also on row 2" in errors[1].message

    def test_duplicate_ignoring_case(self) -> None:
        errors = refused(chart_csv(a_row(product="checkout"), a_row(product="CHECKOUT")))
        assert [e.row for e in errors] == [2, 3]

    def test_ancestor_spelt_in_two_cases(self) -> None:
        errors = refused(chart_csv(a_row(), a_row(department="CARDS", product="Other")))
        assert where(errors) == [(3, "Department")]
        assert "differs only in case from 'Cards' on row 2" in errors[0].message
