"""The FOCUS export use case: the rules in force and every budget's labels, handed to the
exporter (unscoped: the export is for finance roles, and its BilledCost sums to the whole
period's CUR total)."""

from __future__ import annotations

from pathlib import Path

from domain.allocation.service import current_rules
from domain.errors import NotFound
from domain.exports.focus import BudgetLabel, FocusFormat, FocusRequest
from domain.exports.ports import FocusExporter
from domain.scope import ResolvedScope
from domain.spend.ports import SpendStore, SpendUnitOfWork


async def focus_export(
    uow: SpendUnitOfWork,
    store: SpendStore,
    exporter: FocusExporter,
    *,
    period: str,
    fmt: FocusFormat,
    currency: str,
    billing_account_id: str,
    out: Path,
) -> int:
    """Write `period`'s allocated cost as FOCUS 1.2 (`fmt`) to `out`; the number of rows."""
    found = next((p for p in await store.billing_periods() if p.period == period), None)
    if found is None:
        raise NotFound(f"billing period {period} is not in the spend store")
    rules, _ = await current_rules(uow)
    budgets = [
        BudgetLabel(b.id, *b.path)
        for b in await uow.budgets.list_budgets(ResolvedScope.everything())
    ]
    request = FocusRequest(
        period=period,
        format=fmt,
        currency=found.currency or currency,
        billing_account_id=billing_account_id,
        billing_account_name=None,
        invoice_id=found.invoice_ids[0] if len(found.invoice_ids) == 1 else None,
    )
    return await exporter.export(request, rules, budgets, out)
