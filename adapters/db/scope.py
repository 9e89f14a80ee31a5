"""The one scope filter every scoped query goes through.

Nodes carry a materialized path of ids (`/12/40/77/`); a user's scope is the subtrees below
the nodes they are mapped to, so a row is visible when its node's path starts with one of
those nodes' paths. Routers never filter by hand: repositories take the resolved scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from adapters.db.models import NodeRow, UserScopeRow
from domain.scope import Scope


@dataclass(frozen=True)
class ResolvedScope:
    """A scope turned into path prefixes; `prefixes is None` means unrestricted."""

    prefixes: tuple[str, ...] | None

    def condition(self, path_column: InstrumentedAttribute[str] | Any) -> ColumnElement[bool]:
        if self.prefixes is None:
            raise ValueError("an unrestricted scope has no condition")
        if not self.prefixes:
            return false()
        return or_(*(path_column.startswith(p, autoescape=True) for p in self.prefixes))

    def apply(self, statement: Select[Any], path_column: Any) -> Select[Any]:
        if self.prefixes is None:
            return statement
        return statement.where(self.condition(path_column))

    def root_ids(self) -> set[int] | None:
        """The ids of the nodes the scope hangs from (None: unrestricted)."""
        if self.prefixes is None:
            return None
        return {int(p.strip("/").split("/")[-1]) for p in self.prefixes}

    def covers(self, path: str) -> bool:
        return self.prefixes is None or any(path.startswith(p) for p in self.prefixes)


async def resolve_scope(session: AsyncSession, scope: Scope) -> ResolvedScope:
    if scope.unrestricted:
        return ResolvedScope(prefixes=None)
    if not scope.node_ids:
        return ResolvedScope(prefixes=())
    paths = await session.scalars(select(NodeRow.path).where(NodeRow.id.in_(scope.node_ids)))
    return ResolvedScope(prefixes=tuple(sorted(paths.all())))


async def resolve_user_scope(session: AsyncSession, user_id: int) -> ResolvedScope:
    """A scoped user's scope: the paths of the nodes they are mapped to, in one query (it
    runs on every owner's request)."""
    paths = await session.scalars(
        select(NodeRow.path)
        .join(UserScopeRow, UserScopeRow.node_id == NodeRow.id)
        .where(UserScopeRow.user_id == user_id)
    )
    return ResolvedScope(prefixes=tuple(sorted(paths.all())))
