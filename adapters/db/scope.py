"""The one scope filter every scoped query goes through.

Nodes carry a materialized path of ids (`/12/40/77/`); a user's scope is the subtrees below
the nodes they are mapped to (`domain.scope.ResolvedScope`), so a row is visible when its
node's path starts with one of those nodes' paths. Routers and services never filter by
hand: repositories take the resolved scope and apply it here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from adapters.db.models import NodeRow, UserScopeRow
from domain.scope import ResolvedScope


def scope_condition(
    scope: ResolvedScope, path_column: InstrumentedAttribute[str] | Any
) -> ColumnElement[bool]:
    if scope.prefixes is None:
        raise ValueError("an unrestricted scope has no condition")
    if not scope.prefixes:
        return false()
    return or_(*(path_column.startswith(p, autoescape=True) for p in scope.prefixes))


def apply_scope(statement: Select[Any], scope: ResolvedScope, path_column: Any) -> Select[Any]:
    if scope.prefixes is None:
        return statement
    return statement.where(scope_condition(scope, path_column))


async def resolve_user_scope(session: AsyncSession, user_id: int) -> ResolvedScope:
    """A scoped user's scope: the paths of the nodes they are mapped to, in one query (it
    runs on every owner's request)."""
    paths = await session.scalars(
        select(NodeRow.path)
        .join(UserScopeRow, UserScopeRow.node_id == NodeRow.id)
        .where(UserScopeRow.user_id == user_id)
    )
    return ResolvedScope(prefixes=tuple(sorted(paths.all())))
