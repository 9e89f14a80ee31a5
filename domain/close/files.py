"""The files a close writes: a list of named builders, each turning the frozen close book into
one CSV table. Adding a file is one line in `CLOSE_FILES`.

A builder may gather more than the book holds (e.g. approved schedules for FP&A): `gather`
runs once at close, its JSON-able result is frozen in the book's `extras` under the builder's
prefix, and `build` reads it from there, so a regenerated file is built from what the close
saw."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from domain.close.book import CloseBook
from domain.close.rounding import split_cents, to_cents

if TYPE_CHECKING:
    from domain.spend.ports import SpendUnitOfWork


@dataclass(frozen=True)
class CsvTable:
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


Gather = Callable[["SpendUnitOfWork", CloseBook], Awaitable[Mapping[str, Any]]]


async def _nothing(uow: SpendUnitOfWork, book: CloseBook) -> Mapping[str, Any]:  # noqa: ARG001
    return {}


@dataclass(frozen=True)
class FileBuilder:
    """A close file `<prefix>-<YYYY-MM>.csv`."""

    prefix: str
    build: Callable[[CloseBook], CsvTable]
    gather: Gather = _nothing

    def name(self, period: str) -> str:
        return f"{self.prefix}-{period}.csv"


AP_COLUMNS = (
    "period",
    "invoice_id",
    "business_unit",
    "vendor",
    "purchase_order",
    "invoice_number",
    "internal_memo",
    "amount",
    "currency",
)


def accounts_payable(book: CloseBook) -> CsvTable:
    """One line per invoice and business unit; each invoice's lines sum exactly to its total
    rounded to cents (largest remainder)."""
    c = book.checklist
    listed = {n.strip() for n in c.invoice_numbers}
    rows = []
    for invoice in book.invoices:
        parts = split_cents(invoice.total, [s.weight for s in invoice.shares])
        number = invoice.invoice_id if invoice.invoice_id in listed else c.invoice_reference()
        for share, amount in zip(invoice.shares, parts, strict=True):
            rows.append(
                (
                    book.period,
                    invoice.invoice_id,
                    share.business_unit,
                    c.vendor,
                    c.purchase_order,
                    number,
                    c.internal_memo,
                    amount,
                    invoice.currency,
                )
            )
    return CsvTable(AP_COLUMNS, tuple(rows))


ACCRUAL_COLUMNS = (
    "period",
    "business_unit",
    "department",
    "portfolio",
    "product",
    "budget_code",
    "budget_id",
    "allocated_spend",
    "discount",
    "credits_applied",
    "amount",
    "currency",
)


def accruals(book: CloseBook) -> CsvTable:
    """One line per product budget: allocated spend (the discount inside it shown apart), the
    FinOps credits applied, and the net accrual `amount` = allocated − credits (in cents)."""
    rows = []
    for line in book.accruals:
        allocated, credits = to_cents(line.allocated), to_cents(line.credits)
        rows.append(
            (
                book.period,
                *line.path,
                line.code,
                line.budget_id,
                allocated,
                to_cents(line.discount),
                credits,
                allocated - credits,
                book.currency,
            )
        )
    return CsvTable(ACCRUAL_COLUMNS, tuple(rows))


ACCOUNTS_PAYABLE = FileBuilder("accounts-payable", accounts_payable)
ACCRUALS = FileBuilder("accruals", accruals)

#: The files built from the close book alone (`domain.close.fpa.close_files` adds the FP&A one).
CLOSE_FILES: Sequence[FileBuilder] = (ACCOUNTS_PAYABLE, ACCRUALS)
