"""Financial scope: what part of the hierarchy a caller may see and act on.

Every read and write of scoped objects goes through one filter built from a `ResolvedScope`
(repositories apply it with `adapters/db/scope.py`); an object outside it answers exactly
like a missing one.
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


@dataclass(frozen=True)
class ResolvedScope:
    """A scope turned into materialized-path prefixes of the nodes it hangs from
    (`/12/40/77/`): a row is visible when its node's path starts with one of them.
    `prefixes is None` means unrestricted; an empty tuple, nothing."""

    prefixes: tuple[str, ...] | None

    @classmethod
    def everything(cls) -> ResolvedScope:
        return cls(prefixes=None)

    @property
    def unrestricted(self) -> bool:
        return self.prefixes is None

    def root_ids(self) -> set[int] | None:
        """The ids of the nodes the scope hangs from (None: unrestricted)."""
        if self.prefixes is None:
            return None
        return {int(p.strip("/").split("/")[-1]) for p in self.prefixes}

    def covers(self, path: str) -> bool:
        return self.prefixes is None or any(path.startswith(p) for p in self.prefixes)


def sees_all_resources(role: Role, scope: ResolvedScope) -> bool:
    """A Cloud Engineer mapped to no budget works on every account's resources (SPEC 1:
    "in scope, or all when unscoped"); everyone else sees the resources of their scope."""
    return role is Role.CLOUD_ENGINEER and scope.prefixes == ()
