"""A SYNTHETIC Cost Optimization Recommendations export, built from the documented schema.

AWS publishes no sample of this export, so tests and the demo use this generator. Nothing in
it comes from a real account. Given resources of a (generated) CUR it writes recommendations
that map to them, and on purpose also:

- rows whose savings are empty (the export leaves them null when Cost Optimization Hub cannot
  estimate them);
- an action type the documentation does not list (`ModernizeToServerless`);
- ARNs of resources the CUR has never shown (`i-0aaaa…`, an unknown Lambda function);
- purchase recommendations (Savings Plans), which name no resource the CUR knows;
- duplicate rows: an exact copy, and the same recommendation under another id refreshed
  earlier (the import keeps the later one).

`rotation` changes every recommendation id (Cost Optimization Hub rotates them between
refreshes) while the stable keys stay the same; `drop` leaves out the first n
recommendations (to see them resolved).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from domain.recommendations.importing import EXPORT_COLUMNS

SYNTHETIC = "synthetic"
Row = dict[str, str | None]


@dataclass(frozen=True)
class SampleResource:
    """A resource as the CUR shows it: its account, its `line_item_resource_id`, its region."""

    account_id: str
    resource_id: str
    region: str = "us-east-1"


def arn_of(resource: SampleResource) -> str:
    """The ARN Cost Optimization Hub would name the resource by (the inverse of
    `domain.recommendations.arns.cur_resource_id`)."""
    rid, acct, region = resource.resource_id, resource.account_id, resource.region
    if rid.startswith("arn:"):
        return rid
    if rid.startswith("i-"):
        return f"arn:aws:ec2:{region}:{acct}:instance/{rid}"
    if rid.startswith("vol-"):
        return f"arn:aws:ec2:{region}:{acct}:volume/{rid}"
    return f"arn:aws:s3:::{rid}"


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def _money(seed: str, low: int, high: int) -> Decimal:
    span = high - low
    cents = int(seed[:8], 16) % (span * 100)
    return Decimal(low) + Decimal(cents) / 100


_PLANS = {
    "i-": ("Ec2Instance", ("Rightsize", "Stop", "MigrateToGraviton")),
    "vol-": ("EbsVolume", ("Upgrade", "Delete")),
    "lambda": ("LambdaFunction", ("Rightsize", "ModernizeToServerless")),
    "rds": ("RdsDbInstance", ("Rightsize", "Stop")),
    "s3": ("S3Bucket", ("Delete",)),
}


def _plan(resource: SampleResource) -> tuple[str, tuple[str, ...]]:
    rid = resource.resource_id
    for prefix in ("i-", "vol-"):
        if rid.startswith(prefix):
            return _PLANS[prefix]
    if ":lambda:" in rid:
        return _PLANS["lambda"]
    if ":rds:" in rid:
        return _PLANS["rds"]
    return _PLANS["s3"]


def _row(
    resource: SampleResource,
    action: str,
    resource_type: str,
    *,
    rotation: int,
    refreshed: str,
    savings: Decimal | None,
    target: str,
) -> Row:
    seed = _digest(resource.account_id, resource.resource_id, action)
    cost = _money(seed[8:], 40, 2400)
    after = None if savings is None else min(savings, cost)
    return {
        "account_id": resource.account_id,
        "account_name": f"synthetic-{resource.account_id[-4:]}",
        "action_type": action,
        "currency_code": "USD",
        "current_resource_details": json.dumps({"synthetic": True, "type": resource_type}),
        "current_resource_summary": f"{resource_type} current",
        "current_resource_type": resource_type,
        "estimated_monthly_cost_after_discount": str(cost - (after or 0)),
        "estimated_monthly_cost_before_discount": str(cost),
        "estimated_monthly_savings_after_discount": None if after is None else str(after),
        "estimated_monthly_savings_before_discount": None if after is None else str(after),
        "estimated_savings_percentage_after_discount": None
        if after is None
        else str((after * 100 / cost).quantize(Decimal("0.01"))),
        "estimated_savings_percentage_before_discount": None,
        "implementation_effort": ("VeryLow", "Low", "Medium", "High")[int(seed[:2], 16) % 4],
        "last_refresh_timestamp": refreshed,
        "recommendation_id": _digest(seed, rotation)[:40],
        "recommendation_lookback_period_in_days": "14",
        "recommendation_source": "ComputeOptimizer"
        if resource_type != "S3Bucket"
        else "CostExplorer",
        "recommended_resource_details": json.dumps({"synthetic": True, "target": target}),
        "recommended_resource_summary": target,
        "recommended_resource_type": resource_type,
        "region": resource.region,
        "resource_arn": arn_of(resource),
        "restart_needed": "true" if action in ("Rightsize", "MigrateToGraviton") else "false",
        "rollback_possible": "true",
        "tags": json.dumps([{"key": "source", "value": SYNTHETIC}]),
    }


_TARGETS = {
    "Rightsize": "m7g.large",
    "Stop": "stopped",
    "MigrateToGraviton": "m7g.xlarge",
    "Upgrade": "gp3",
    "Delete": "deleted",
    "ModernizeToServerless": "Lambda 512 MB",
}


def sample_export(
    resources: Sequence[SampleResource],
    *,
    rotation: int = 0,
    drop: int = 0,
    refreshed: str = "2026-11-30T06:00:00Z",
) -> list[Row]:
    """Rows of a synthetic export for `resources` (see the module docstring), deterministic:
    the same input gives the same rows."""
    rows: list[Row] = []
    for i, resource in enumerate(resources):
        resource_type, actions = _plan(resource)
        action = actions[i % len(actions)]
        seed = _digest(resource.account_id, resource.resource_id, action)
        # every fifth has no savings estimate
        savings = None if i % 5 == 4 else _money(seed, 5, 900)
        rows.append(
            _row(
                resource,
                action,
                resource_type,
                rotation=rotation,
                refreshed=refreshed,
                savings=savings,
                target=_TARGETS.get(action, "n/a"),
            )
        )
    accounts = sorted({r.account_id for r in resources})
    extras: list[Row] = []
    for n, account in enumerate(accounts):
        region = "us-east-1"
        absent = SampleResource(account, f"i-0aaaa{n:012d}", region)
        extras.append(
            _row(
                absent,
                "Stop",
                "Ec2Instance",
                rotation=rotation,
                refreshed=refreshed,
                savings=Decimal("42.50"),
                target="stopped",
            )
        )
        plan = SampleResource(account, f"arn:aws:savingsplans::{account}:savingsplan/synthetic")
        extras.append(
            _row(
                plan,
                "PurchaseSavingsPlans",
                "ComputeSavingsPlans",
                rotation=rotation,
                refreshed=refreshed,
                savings=Decimal("310.00"),
                target="Compute SP 1yr no upfront",
            )
        )
    if accounts:
        unknown_fn = SampleResource(
            accounts[0], f"arn:aws:lambda:us-east-1:{accounts[0]}:function:synthetic-gone"
        )
        extras.append(
            _row(
                unknown_fn,
                "ModernizeToServerless",
                "LambdaFunction",
                rotation=rotation,
                refreshed=refreshed,
                savings=None,
                target="Lambda 512 MB",
            )
        )
    rows = rows[drop:] + extras
    if rows:
        # an exact duplicate, and the same recommendation refreshed earlier under another id
        rows.append(dict(rows[0]))
        earlier = dict(rows[1 % len(rows)])
        earlier["recommendation_id"] = "older-" + str(earlier["recommendation_id"])[:30]
        earlier["last_refresh_timestamp"] = "2026-11-01T06:00:00Z"
        earlier["estimated_monthly_savings_after_discount"] = "999999.99"
        rows.insert(0, earlier)
    return rows


def write_csv(path: Path, rows: Sequence[Row], columns: Sequence[str] = EXPORT_COLUMNS) -> Path:
    """The rows as the export's CSV (header, every documented column, empty = null)."""
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return path


def write_parquet(path: Path, rows: Sequence[Row], columns: Sequence[str] = EXPORT_COLUMNS) -> Path:
    """The rows as parquet, typed like the export: money and percentages as DOUBLE, the
    look-back as INTEGER, flags as BOOLEAN, the rest as VARCHAR."""
    path.parent.mkdir(parents=True, exist_ok=True)
    typed = {
        "estimated_monthly_cost_after_discount": "DOUBLE",
        "estimated_monthly_cost_before_discount": "DOUBLE",
        "estimated_monthly_savings_after_discount": "DOUBLE",
        "estimated_monthly_savings_before_discount": "DOUBLE",
        "estimated_savings_percentage_after_discount": "DOUBLE",
        "estimated_savings_percentage_before_discount": "DOUBLE",
        "recommendation_lookback_period_in_days": "INTEGER",
        "restart_needed": "BOOLEAN",
        "rollback_possible": "BOOLEAN",
    }
    con = duckdb.connect()
    try:
        defs = ", ".join(f'"{c}" {typed.get(c, "VARCHAR")}' for c in columns)
        con.execute(f"CREATE TABLE export ({defs})")
        if rows:
            marks = ", ".join("?" for _ in columns)
            con.executemany(
                f"INSERT INTO export VALUES ({marks})", [[r.get(c) for c in columns] for r in rows]
            )
        target = str(path).replace("'", "''")
        con.execute(f"COPY export TO '{target}' (FORMAT parquet)")
    finally:
        con.close()
    return path
