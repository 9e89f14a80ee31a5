"""Resource search for the API: one billing period's `resources.parquet`, filtered and paged
by (resource id, account id)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from adapters.cur.manifest import Manifest
from adapters.cur.sql import literal
from domain.allocation.workloads import ResourceKey
from domain.errors import ErrorDetail, RuleViolation
from domain.periods import is_billing_period
from domain.spend.models import ResourcePage, ResourceRow

MAX_PAGE = 1000


@dataclass(frozen=True)
class ResourceQuery:
    """A validated resource search: its WHERE clause, parameters and id tables."""

    period: str | None
    limit: int
    where: tuple[str, ...]
    params: tuple[Any, ...]
    # id lists become one-column tables on the read's own cursor (semi / anti joins)
    id_tables: dict[str, pa.Table]

    def page(self, store: Path, manifest: Manifest, con: duckdb.DuckDBPyConnection) -> ResourcePage:
        chosen = self.period or manifest.latest()
        if chosen is None or chosen not in manifest.periods:
            return ResourcePage(items=(), next_cursor=None)
        path = store / manifest.periods[chosen].folder / "resources.parquet"
        for name, table in self.id_tables.items():
            con.register(name, table)
        sql = (
            "SELECT resource_id, service, account_id, region, tags, unblended_cost "
            f"FROM read_parquet({literal(str(path))}) "
            + (f"WHERE {' AND '.join(self.where)} " if self.where else "")
            + f"ORDER BY resource_id, account_id LIMIT {int(self.limit) + 1}"
        )
        rows = con.execute(sql, list(self.params)).fetchall()
        items = tuple(
            ResourceRow(
                resource_id=r[0],
                service=r[1],
                account_id=r[2],
                region=r[3],
                tags=dict(r[4] or {}),
                cost=r[5],
                period=chosen,
            )
            for r in rows[: self.limit]
        )
        next_cursor = None
        if len(rows) > self.limit:
            last = items[-1]
            next_cursor = _encode_cursor(last.resource_id, last.account_id)
        return ResourcePage(items=items, next_cursor=next_cursor)


def resource_query(
    *,
    q: str | None,
    service: str | None,
    tag: str | None,
    account_id: str | None,
    period: str | None,
    limit: int,
    cursor: str | None,
    account_ids: Collection[str] | None,
    only_resource_ids: Collection[str] | None,
    exclude_resource_ids: Collection[str] | None,
    only_keys: Collection[ResourceKey] | None = None,
    exclude_keys: Collection[ResourceKey] | None = None,
) -> ResourceQuery | None:
    """The search `CurStore.resources` describes; None when it can match nothing (an empty
    `account_ids`, `only_resource_ids` or `only_keys`). Raises RuleViolation on a bad limit,
    period or cursor."""
    if not 1 <= limit <= MAX_PAGE:
        raise RuleViolation(
            f"limit must be between 1 and {MAX_PAGE}",
            errors=[ErrorDetail(message=f"between 1 and {MAX_PAGE}", field="limit")],
        )
    if period is not None and not is_billing_period(period):
        raise RuleViolation(
            "period must look like YYYY-MM",
            errors=[ErrorDetail(message="YYYY-MM expected", field="period")],
        )
    after = _decode_cursor(cursor) if cursor else None
    where: list[str] = []
    params: list[Any] = []
    id_tables: dict[str, pa.Table] = {}
    for name, column, values, keep in (
        ("wanted_accounts", "account_id", account_ids, True),
        ("wanted_resources", "resource_id", only_resource_ids, True),
        ("unwanted_resources", "resource_id", exclude_resource_ids, False),
        ("wanted_keys", _KEY_COLUMN, _joined(only_keys), True),
        ("unwanted_keys", _KEY_COLUMN, _joined(exclude_keys), False),
    ):
        if values is None:
            continue
        ids = _id_list(values)
        if keep and not ids:
            return None
        if ids:
            id_tables[name] = pa.table({"id": pa.array(ids, pa.string())})
            where.append(f"{column} {'IN' if keep else 'NOT IN'} (SELECT id FROM {name})")
    if q:
        where.append(
            "(contains(lower(resource_id), ?) OR len(list_filter(map_values(tags), "
            "lambda v: contains(lower(v), ?))) > 0)"
        )
        params += [q.lower(), q.lower()]
    if service:
        where.append("lower(service) = ?")
        params.append(service.lower())
    if account_id:
        where.append("account_id = ?")
        params.append(account_id)
    if tag:
        key, has_value, value = tag.partition("=")
        key = key.strip()
        lookup = "COALESCE(tags[?], tags['user_' || ?])"
        if has_value:
            where.append(f"lower({lookup}) = ?")
            params += [key, key, value.strip().lower()]
        else:
            where.append(f"{lookup} IS NOT NULL")
            params += [key, key]
    if after:
        where.append("(resource_id > ? OR (resource_id = ? AND account_id > ?))")
        params += [after[0], after[0], after[1]]
    return ResourceQuery(
        period=period,
        limit=limit,
        where=tuple(where),
        params=tuple(params),
        id_tables=id_tables,
    )


# a resource is (account id, resource id): the same id in two accounts is two resources
_KEY_COLUMN = "account_id || chr(0) || resource_id"


def _joined(keys: Collection[ResourceKey] | None) -> list[str] | None:
    """Resource keys as the one text `_KEY_COLUMN` compares them with."""
    return None if keys is None else [f"{a}\x00{r}" for a, r in keys]


def _id_list(values: Collection[str]) -> list[str]:
    """Distinct ids, sorted; a lone string is one id (not its characters)."""
    if isinstance(values, str):
        values = [values]
    return sorted({str(v) for v in values if v is not None})


def _encode_cursor(resource_id: str, account_id: str) -> str:
    raw = json.dumps([resource_id, account_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
            return value[0], value[1]
    except (binascii.Error, ValueError, UnicodeDecodeError):
        pass
    raise RuleViolation(
        "invalid cursor", errors=[ErrorDetail(message="not a cursor of this list", field="cursor")]
    )
