"""Financial scope: what part of the hierarchy a caller may see and act on.

Every read and write of scoped objects goes through one filter built from a `Scope`
(`adapters/db/scope.py`); an object outside it answers exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.identity.roles import Role, sees_all_spend


@dataclass(frozen=True)
class Scope:
    """`unrestricted` for finance roles and Admins; else the subtrees below `node_ids`
    (the nodes the user is mapped to). No nodes means: nothing is visible."""

    unrestricted: bool
    node_ids: frozenset[int] = frozenset()

    @classmethod
    def everything(cls) -> Scope:
        return cls(unrestricted=True)

    @classmethod
    def of(cls, role: Role, mapped_node_ids: frozenset[int]) -> Scope:
        if sees_all_spend(role):
            return cls.everything()
        return cls(unrestricted=False, node_ids=mapped_node_ids)
