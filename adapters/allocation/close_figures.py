"""The `ClosePeriodReader` port: a billing period's figures for the month close, from the CUR
store (what each account adds to each invoice) and the materialized allocation (made current
first; its summary holds each budget's spend per account and per line item type)."""

from __future__ import annotations

import asyncio
from typing import Any

from adapters import duck
from adapters.allocation.engine import SUMMARY_FILE
from adapters.allocation.materialized import AllocatedSpend
from adapters.allocation.sql import TOTAL, literal
from adapters.allocation.summary_files import read_consistently
from domain.allocation.rules import CUR_DISCOUNT_TYPES, NEGOTIATED_DISCOUNT, AllocationRules
from domain.close.book import AccountShare, BudgetShare, InvoiceAmount, PeriodFigures
from domain.close.rounding import ZERO
from domain.spend.models import BillingPeriod

DISCOUNT_TYPES = tuple(sorted({NEGOTIATED_DISCOUNT, *CUR_DISCOUNT_TYPES}))


def _figures(
    allocated: AllocatedSpend, period: str, rules: AllocationRules, rules_version: int
) -> PeriodFigures:
    (done,) = allocated.ensure([period], rules, rules_version)
    discount_types = ", ".join(literal(t) for t in DISCOUNT_TYPES)

    def read(summary: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        # both from the same files: the accounts and the budgets must add up to one total
        con = duck.connect()
        try:
            accounts = con.execute(
                f"""
                SELECT account_id, budget_id, CAST(SUM(amount) AS {TOTAL})
                FROM {summary}
                WHERE dimension = 'account'
                GROUP BY account_id, budget_id
                ORDER BY account_id, budget_id NULLS FIRST
                """
            ).fetchall()
            budgets = con.execute(
                f"""
                SELECT budget_id, CAST(SUM(amount) AS {TOTAL}),
                       CAST(COALESCE(SUM(amount)
                                     FILTER (WHERE line_item_type IN ({discount_types})), 0)
                            AS {TOTAL})
                FROM {summary}
                WHERE dimension = 'type' AND budget_id IS NOT NULL
                GROUP BY budget_id
                ORDER BY budget_id
                """
            ).fetchall()
            return accounts, budgets
        finally:
            con.close()

    accounts, budgets = read_consistently([done.folder / SUMMARY_FILE], read)
    invoices = allocated.cur.invoice_amounts(period)
    return PeriodFigures(
        period=period,
        invoices=tuple(
            InvoiceAmount(invoice or "", account, currency, amount)
            for invoice, account, currency, amount in invoices
        ),
        accounts=tuple(
            AccountShare(a, int(b) if b is not None else None, amount if amount else ZERO)
            for a, b, amount in accounts
        ),
        budgets=tuple(BudgetShare(int(b), total, discount) for b, total, discount in budgets),
    )


class ClosePeriodFigures:
    def __init__(self, allocated: AllocatedSpend) -> None:
        self.allocated = allocated

    async def billing_periods(self) -> list[BillingPeriod]:
        return await asyncio.to_thread(self.allocated.cur.billing_periods)

    async def figures(
        self, period: str, rules: AllocationRules, rules_version: int
    ) -> PeriodFigures:
        return await asyncio.to_thread(_figures, self.allocated, period, rules, rules_version)
