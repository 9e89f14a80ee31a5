"""The FP&A "approved spending by budget" file of a close, `approved-spending-YYYY-MM.csv`.

At close the rows of `domain.reports.queries.approved_spending` (every budget: the close is
company-wide) are gathered once and frozen in the close book, the amounts as text; the file is
built from those frozen rows with the amounts turned back into Decimals, so a negative amount
is written as a number (not escaped as a formula, as text starting with "-" would be) and the
file equals what `GET /api/v1/reports/approved-spending` answered for the period at close."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from domain.close.book import CloseBook
from domain.close.files import ACCOUNTS_PAYABLE, ACCRUALS, CsvTable, FileBuilder
from domain.reports.queries import approved_spending as approved_spending_query
from domain.reports.variance import APPROVED_SPENDING_HEADER
from domain.scope import ResolvedScope

if TYPE_CHECKING:
    from domain.spend.ports import SpendStore, SpendUnitOfWork

PREFIX = "approved-spending"


def freeze_rows(header: Sequence[str], rows: Sequence[Sequence[object]]) -> dict[str, Any]:
    """`rows` as JSON: Decimals as text, and the columns that held them named, so `thaw_rows`
    gives the same cells back (text stays text, whatever it starts with)."""
    decimals = sorted(
        {i for row in rows for i, value in enumerate(row) if isinstance(value, Decimal)}
    )
    return {
        "header": list(header),
        "decimal_columns": decimals,
        "rows": [[str(v) if isinstance(v, Decimal) else v for v in row] for row in rows],
    }


def thaw_rows(frozen: Mapping[str, Any]) -> CsvTable:
    decimals = set(frozen["decimal_columns"])
    return CsvTable(
        tuple(frozen["header"]),
        tuple(
            tuple(Decimal(v) if i in decimals and v is not None else v for i, v in enumerate(row))
            for row in frozen["rows"]
        ),
    )


def approved_spending(book: CloseBook) -> CsvTable:
    """The file from the rows the close froze (a header only when it froze none)."""
    frozen = book.extras.get(PREFIX)
    if not frozen:
        return CsvTable(APPROVED_SPENDING_HEADER, ())
    return thaw_rows(frozen)


#: The FP&A file as a regeneration builds it: from the book alone.
APPROVED_SPENDING = FileBuilder(PREFIX, approved_spending)

#: Every file a close writes, as a regeneration (`file_content`) builds them.
ALL_FILES: Sequence[FileBuilder] = (ACCOUNTS_PAYABLE, ACCRUALS, APPROVED_SPENDING)


def close_files(store: SpendStore, *, today: date) -> Sequence[FileBuilder]:
    """The files a close writes, the FP&A one gathering its rows from `store` as of `today`."""

    async def gather(uow: SpendUnitOfWork, book: CloseBook) -> Mapping[str, Any]:
        found = await approved_spending_query(
            uow,
            store,
            ResolvedScope(prefixes=None),
            period=book.period,
            today=today,
            currency=book.currency,
        )
        return freeze_rows(found.header, found.rows)

    return (ACCOUNTS_PAYABLE, ACCRUALS, replace(APPROVED_SPENDING, gather=gather))
