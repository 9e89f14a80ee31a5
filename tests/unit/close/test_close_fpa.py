"""The FP&A file of a close: the rows frozen in the close book come back cell for cell."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

from adapters.files.csv_codec import csv_bytes
from domain.close.book import CloseBook, book_from_json, book_to_json
from domain.close.fpa import PREFIX, approved_spending, freeze_rows
from domain.close.model import Checklist
from domain.reports.variance import APPROVED_SPENDING_HEADER

HEADER = ("month", "product", "budget_id", "amount", "variance_percent")
ROWS = [
    ("2026-10", "-Checkout", 7, Decimal("-12.30"), None),
    ("2026-10", "=Ledger", None, Decimal("4.00"), Decimal("0.5")),
]


def frozen_book(rows=ROWS) -> CloseBook:
    book = CloseBook("2026-10", "USD", Checklist(), None, (), ())
    return replace(book, extras={PREFIX: freeze_rows(HEADER, rows)})


def test_amounts_come_back_as_numbers_and_text_stays_escaped():
    # through the stored JSON form, as a regeneration reads it
    book = book_from_json(json.loads(json.dumps(book_to_json(frozen_book()))))
    table = approved_spending(book)
    assert table.rows == tuple(ROWS)
    assert csv_bytes(table.header, table.rows) == csv_bytes(HEADER, ROWS)
    lines = csv_bytes(table.header, table.rows).decode().splitlines()
    assert lines[1] == "2026-10,'-Checkout,7,-12.30,"
    assert lines[2] == "2026-10,'=Ledger,,4.00,0.5"


def test_a_book_without_frozen_rows_gives_the_header_alone():
    book = CloseBook("2026-10", "USD", Checklist(), None, (), ())
    table = approved_spending(book)
    assert (table.header, table.rows) == (APPROVED_SPENDING_HEADER, ())
