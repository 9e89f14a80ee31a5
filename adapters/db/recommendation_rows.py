"""Recommendations rows ↔ domain: the columns lists filter and sort on are columns; the rest of
the export row is JSON (`details`), Decimals as text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from decimal import Decimal
from typing import Any

from adapters.db.models import RecommendationImportRow, RecommendationRow
from domain.recommendations.machine import Status
from domain.recommendations.model import BudgetShare, ExportRow, Recommendation
from domain.recommendations.queries import ImportRecord

COLUMNS = {
    "account_id",
    "action_type",
    "resource_arn",
    "recommendation_id",
    "region",
    "currency_code",
    "monthly_savings",
}
DECIMALS = {
    "monthly_savings_before_discount",
    "monthly_cost_after_discount",
    "monthly_cost_before_discount",
    "savings_percentage",
}


def details_of(row: ExportRow) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(row):
        if f.name in COLUMNS:
            continue
        value = getattr(row, f.name)
        out[f.name] = str(value) if isinstance(value, Decimal) else value
    return out


def row_values(row: ExportRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "recommendation_id": row.recommendation_id,
        "account_id": row.account_id,
        "resource_arn": row.resource_arn,
        "action_type": row.action_type,
        "known_action": row.known_action,
        "region": row.region,
        "currency_code": row.currency_code,
        "monthly_savings": row.monthly_savings,
        "details": details_of(row),
    }


def export_row_of(r: RecommendationRow) -> ExportRow:
    details = dict(r.details)
    for name in DECIMALS:
        if details.get(name) is not None:
            details[name] = Decimal(details[name])
    return ExportRow(
        account_id=r.account_id,
        action_type=r.action_type,
        resource_arn=r.resource_arn,
        recommendation_id=r.recommendation_id,
        region=r.region,
        currency_code=r.currency_code,
        monthly_savings=r.monthly_savings,
        **details,
    )


def recommendation_of(r: RecommendationRow, budgets: Sequence[BudgetShare] = ()) -> Recommendation:
    return Recommendation(
        id=r.id,
        key=r.key,
        row=export_row_of(r),
        status=Status(r.status),
        version=r.version,
        resource_id=r.resource_id,
        in_cur=r.in_cur,
        resolved_at=r.resolved_at,
        first_seen_at=r.first_seen_at,
        last_seen_at=r.last_seen_at,
        status_changed_at=r.status_changed_at,
        budgets=tuple(budgets),
    )


def import_of(r: RecommendationImportRow) -> ImportRecord:
    return ImportRecord(
        source=r.source,
        file_format=r.file_format,
        location=r.location,
        rows_read=r.rows_read,
        created=r.created,
        updated=r.updated,
        unchanged=r.unchanged,
        resolved=r.resolved,
        reappeared=r.reappeared,
        duplicates=r.duplicates,
        unknown_action_types=tuple(r.unknown_action_types),
        not_in_cur=r.not_in_cur,
        imported_by=r.imported_by,
        imported_at=r.imported_at,
        id=r.id,
    )


def chunks(values: Sequence[int], size: int = 1000) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
