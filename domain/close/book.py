"""The close book: what a close freezes, and what every file is built from.

`build_book` turns the period's figures (the CUR's invoice amounts per account, the
allocation per account and budget) into the frozen book:

- per invoice, the weight of each business unit (level-1 node): an account's invoice amount
  (usage, tax, AWS credits and refunds alike, as the CUR has them) follows the account's
  allocation of the period, pro rata of what each budget holds of the account's allocated
  spend; what no budget holds (Unallocated) goes to the default business unit, and so does
  an account with nothing allocated at all;
- per product budget, the allocated spend, the discount inside it and the FinOps credits
  applied.

The book is stored with the close (JSON, Decimals as text) so a file regenerated later is
built from the same numbers, byte for byte, whatever the CUR or the rules do meanwhile."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

from domain.budgets.model import ProductPath
from domain.close.model import Checklist
from domain.close.rounding import PRECISE, ZERO
from domain.errors import ErrorDetail, RuleViolation


@dataclass(frozen=True)
class InvoiceAmount:
    """What one account adds to one invoice (every line item type, unblended, exact)."""

    invoice_id: str
    account_id: str
    currency: str
    amount: Decimal


@dataclass(frozen=True)
class AccountShare:
    """A budget's allocated spend in one account over the period (budget None: Unallocated)."""

    account_id: str
    budget_id: int | None
    amount: Decimal


@dataclass(frozen=True)
class BudgetShare:
    """A budget's allocated spend over the period, and the discount lines inside it."""

    budget_id: int
    allocated: Decimal
    discount: Decimal


@dataclass(frozen=True)
class PeriodFigures:
    """The period as the CUR and the allocation engine see it at close."""

    period: str
    invoices: tuple[InvoiceAmount, ...]
    accounts: tuple[AccountShare, ...]
    budgets: tuple[BudgetShare, ...]


@dataclass(frozen=True)
class BudgetInfo:
    """A product budget as the accrual file names it."""

    budget_id: int
    path: ProductPath
    code: str


@dataclass(frozen=True)
class PayableShare:
    business_unit: str
    weight: Decimal


@dataclass(frozen=True)
class Invoice:
    """One invoice (and currency) of the period: its exact total and its business units'
    weights (they sum to the total, up to the division's last digit)."""

    invoice_id: str
    currency: str
    total: Decimal
    shares: tuple[PayableShare, ...]


@dataclass(frozen=True)
class AccrualLine:
    budget_id: int
    path: ProductPath
    code: str
    allocated: Decimal
    discount: Decimal
    credits: Decimal


@dataclass(frozen=True)
class CloseBook:
    period: str
    currency: str
    checklist: Checklist
    default_business_unit: str | None
    invoices: tuple[Invoice, ...]
    accruals: tuple[AccrualLine, ...]
    # what each extra file builder gathered at close (JSON-able), by builder prefix
    extras: Mapping[str, Any] = field(default_factory=dict)


def budget_code(attributes: Mapping[str, str]) -> str:
    """The budget code among a budget's chart-of-accounts extra columns: the column named
    "Budget Code", else "Cost Center"/"Cost Centre", else "Code" (any case, spaces, dashes or
    underscores); empty when there is none."""
    keyed = {"".join(ch for ch in k.lower() if ch.isalnum()): v for k, v in attributes.items()}
    for name in ("budgetcode", "costcenter", "costcentre", "costcentercode", "code"):
        if keyed.get(name, "").strip():
            return keyed[name].strip()
    return ""


def build_book(
    figures: PeriodFigures,
    *,
    checklist: Checklist,
    budgets: Mapping[int, BudgetInfo],
    credits: Mapping[int, Decimal],
    default_business_unit: str | None,
    currency: str,
) -> CloseBook:
    """The book of `figures`. RuleViolation when spend no budget holds reaches an invoice and
    no default business unit is configured."""
    default = (default_business_unit or "").strip() or None
    units: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for share in figures.accounts:
        info = budgets.get(share.budget_id) if share.budget_id is not None else None
        unit = info.path[0] if info is not None else None
        units[share.account_id][unit or ""] += share.amount
    totals: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    weights: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(
        lambda: defaultdict(lambda: ZERO)
    )
    needs_default = False
    with localcontext(PRECISE):
        for item in figures.invoices:
            key = (item.invoice_id, item.currency)
            totals[key] += item.amount
            held = {u: a for u, a in units.get(item.account_id, {}).items() if a != ZERO}
            whole = sum(held.values(), ZERO)
            if whole == ZERO:
                held, whole = {"": Decimal(1)}, Decimal(1)
            for unit, amount in held.items():
                part = item.amount * amount / whole
                if unit == "" and part != ZERO:
                    needs_default = True
                weights[key][unit] += part
    if needs_default and default is None:
        raise RuleViolation(
            "spend no budget holds needs a default business unit",
            [
                ErrorDetail(
                    "part of the invoice is Unallocated: name the business unit it is booked "
                    "to (the close's default business unit, or FINOPS_DEFAULT_BUSINESS_UNIT)",
                    field="default_business_unit",
                )
            ],
        )
    invoices = []
    for key in sorted(totals):
        merged: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for unit, weight in weights[key].items():
            merged[unit or (default or "")] += weight
        invoices.append(
            Invoice(
                key[0],
                key[1],
                totals[key],
                tuple(PayableShare(u, w) for u, w in sorted(merged.items())),
            )
        )
    spent = {b.budget_id: b for b in figures.budgets}
    accruals = [
        AccrualLine(
            info.budget_id,
            info.path,
            info.code,
            spent[info.budget_id].allocated if info.budget_id in spent else ZERO,
            spent[info.budget_id].discount if info.budget_id in spent else ZERO,
            credits.get(info.budget_id, ZERO),
        )
        for info in sorted(budgets.values(), key=lambda b: (b.path, b.budget_id))
    ]
    return CloseBook(
        period=figures.period,
        currency=currency,
        checklist=checklist,
        default_business_unit=default,
        invoices=tuple(invoices),
        accruals=tuple(accruals),
    )


# --------------------------------------------------------------------------- frozen form


def book_to_json(book: CloseBook) -> dict[str, Any]:
    c = book.checklist
    return {
        "period": book.period,
        "currency": book.currency,
        "checklist": {
            "vendor": c.vendor,
            "purchase_order": c.purchase_order,
            "invoice_numbers": list(c.invoice_numbers),
            "internal_memo": c.internal_memo,
            "default_business_unit": c.default_business_unit,
        },
        "default_business_unit": book.default_business_unit,
        "invoices": [
            {
                "invoice_id": i.invoice_id,
                "currency": i.currency,
                "total": str(i.total),
                "shares": [[s.business_unit, str(s.weight)] for s in i.shares],
            }
            for i in book.invoices
        ],
        "accruals": [
            {
                "budget_id": a.budget_id,
                "path": list(a.path),
                "code": a.code,
                "allocated": str(a.allocated),
                "discount": str(a.discount),
                "credits": str(a.credits),
            }
            for a in book.accruals
        ],
        "extras": dict(book.extras),
    }


def _path(names: Sequence[str]) -> ProductPath:
    a, b, c, d = names
    return (a, b, c, d)


def book_from_json(raw: Mapping[str, Any]) -> CloseBook:
    c = raw["checklist"]
    return CloseBook(
        period=raw["period"],
        currency=raw["currency"],
        checklist=Checklist(
            c["vendor"],
            c["purchase_order"],
            tuple(c["invoice_numbers"]),
            c["internal_memo"],
            c.get("default_business_unit", ""),
        ),
        default_business_unit=raw["default_business_unit"],
        invoices=tuple(
            Invoice(
                i["invoice_id"],
                i["currency"],
                Decimal(i["total"]),
                tuple(PayableShare(u, Decimal(w)) for u, w in i["shares"]),
            )
            for i in raw["invoices"]
        ),
        accruals=tuple(
            AccrualLine(
                a["budget_id"],
                _path(a["path"]),
                a["code"],
                Decimal(a["allocated"]),
                Decimal(a["discount"]),
                Decimal(a["credits"]),
            )
            for a in raw["accruals"]
        ),
        extras=dict(raw.get("extras") or {}),
    )
