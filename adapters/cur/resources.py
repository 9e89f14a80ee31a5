"""Resource search for the API: one billing period's `resources.parquet`, filtered and paged
by (resource id, account id)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa

from adapters.cur.manifest import Manifest
from adapters.cur.sql import literal
from domain.allocation.workloads import ResourceKey
from domain.errors import ErrorDetail, RuleViolation
from domain.periods import is_billing_period
from domain.spend.models import ResourcePage, ResourceRow

MAX_PAGE = 1000
ResourceOrder = Literal["resource", "cost"]
_ORDER_BY: dict[str, str] = {
    "resource": "resource_id, account_id",
    # the biggest spenders first; ties by key, so pages never overlap
    "cost": "unblended_cost DESC, resource_id, account_id",
}


@dataclass(frozen=True)
class ResourceQuery:
    """A validated resource search: its WHERE clause, parameters and id tables."""

    period: str | None
    limit: int
    where: tuple[str, ...]
    params: tuple[Any, ...]
    # id lists become one-column tables on the read's own cursor (semi / anti joins)
    id_tables: dict[str, pa.Table]
    order: ResourceOrder = "resource"
    offset: int = 0
    # the cursor's condition, apart from `where`: the total counts every match
    after: tuple[str, tuple[Any, ...]] | None = None

    def page(self, store: Path, manifest: Manifest, con: duckdb.DuckDBPyConnection) -> ResourcePage:
        chosen = self.period or manifest.latest()
        if chosen is None or chosen not in manifest.periods:
            return ResourcePage(items=(), next_cursor=None, total=0)
        path = store / manifest.periods[chosen].folder / "resources.parquet"
        for name, table in self.id_tables.items():
            con.register(name, table)
        source = f"FROM read_parquet({literal(str(path))}) "
        where = list(self.where)
        params = list(self.params)
        count_sql = "SELECT count(*) " + source + (f"WHERE {' AND '.join(where)} " if where else "")
        counted = con.execute(count_sql, params).fetchone()
        total = int(counted[0]) if counted else 0
        if self.after is not None:
            where.append(self.after[0])
            params += list(self.after[1])
        sql = (
            "SELECT resource_id, service, account_id, region, tags, unblended_cost "
            + source
            + (f"WHERE {' AND '.join(where)} " if where else "")
            + f"ORDER BY {_ORDER_BY[self.order]} LIMIT {int(self.limit) + 1} "
            + f"OFFSET {int(self.offset)}"
        )
        rows = con.execute(sql, params).fetchall()
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
            keys = [last.resource_id, last.account_id]
            next_cursor = _encode_cursor([str(last.cost), *keys] if self.order == "cost" else keys)
        return ResourcePage(items=items, next_cursor=next_cursor, total=total)


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
    order: ResourceOrder = "resource",
    offset: int = 0,
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
    if order not in _ORDER_BY:
        raise RuleViolation(
            "order must be resource or cost",
            errors=[ErrorDetail(message="resource or cost", field="sort")],
        )
    if offset < 0:
        raise RuleViolation(
            "offset must be 0 or more", errors=[ErrorDetail(message=">= 0", field="offset")]
        )
    if cursor and offset:
        raise RuleViolation(
            "give a cursor or an offset, not both",
            errors=[ErrorDetail(message="not with a cursor", field="offset")],
        )
    after = _decode_cursor(cursor, 3 if order == "cost" else 2) if cursor else None
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
    keyset: tuple[str, tuple[Any, ...]] | None = None
    if after and order == "cost":
        cost, rid, aid = after
        keyset = (
            "(unblended_cost < ? OR (unblended_cost = ? AND (resource_id > ? "
            "OR (resource_id = ? AND account_id > ?))))",
            (_cost(cost), _cost(cost), rid, rid, aid),
        )
    elif after:
        keyset = (
            "(resource_id > ? OR (resource_id = ? AND account_id > ?))",
            (after[0], after[0], after[1]),
        )
    return ResourceQuery(
        period=period,
        limit=limit,
        where=tuple(where),
        params=tuple(params),
        id_tables=id_tables,
        order=order,
        offset=offset,
        after=keyset,
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


def _encode_cursor(keys: list[str]) -> str:
    raw = json.dumps(keys, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cost(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise RuleViolation(
            "invalid cursor",
            errors=[ErrorDetail(message="not a cursor of this list", field="cursor")],
        ) from None


def _decode_cursor(cursor: str, size: int) -> list[str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
        if (
            isinstance(value, list)
            and len(value) == size
            and all(isinstance(v, str) for v in value)
        ):
            if size == 3:
                _cost(value[0])
            return value
    except (binascii.Error, ValueError, UnicodeDecodeError):
        pass
    raise RuleViolation(
        "invalid cursor", errors=[ErrorDetail(message="not a cursor of this list", field="cursor")]
    )
