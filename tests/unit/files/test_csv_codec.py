import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.files.csv_codec import FORMULA_STARTS, csv_bytes, escape_cell


def read_back(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def test_formula_text_is_escaped_but_negative_amounts_are_numbers():
    data = csv_bytes(
        ["name", "amount", "day"],
        [
            ['=HYPERLINK("x")', Decimal("-12.34"), date(2026, 12, 1)],
            ["@SUM(A1)", Decimal("1E+2"), None],
        ],
    )
    rows = read_back(data)
    assert rows[0] == ["name", "amount", "day"]
    assert rows[1] == ['\'=HYPERLINK("x")', "-12.34", "2026-12-01"]
    assert rows[2] == ["'@SUM(A1)", "100", ""]
    assert data.endswith(b"\r\n")


def test_floats_and_ragged_rows_are_refused():
    with pytest.raises(TypeError):
        csv_bytes(["amount"], [[1.5]])
    with pytest.raises(ValueError, match="row 2"):
        csv_bytes(["a", "b"], [["x", "y"], ["z"]])


@given(st.text())
def test_no_escaped_text_can_start_a_formula(text):
    assert not escape_cell(text).startswith(FORMULA_STARTS)
    assert escape_cell(text).endswith(text)
