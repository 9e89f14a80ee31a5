"""Financial scope: which hierarchy nodes a user is mapped to, and what that lets them see.

A Business Unit, Department, Portfolio or Product Owner is mapped to one or more nodes at
the level of their role; several nodes only when they share one parent (two departments
of one business unit: yes; of two business units: no). The user's scope is the subtree
below those nodes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from domain.budgets.model import LEVELS, HierarchyLabels
from domain.errors import ErrorDetail, RuleViolation

#: The hierarchy level each scoped role is mapped at (role values as stored).
ROLE_LEVELS: Mapping[str, int] = {
    "business_unit_owner": 1,
    "department_owner": 2,
    "portfolio_owner": 3,
    "product_owner": 4,
}


class TreeNode(Protocol):
    """Anything with an id and a parent id (None at the top level)."""

    @property
    def id(self) -> int: ...

    @property
    def parent_id(self) -> int | None: ...


@dataclass(frozen=True)
class NodeRef:
    """A hierarchy node as scope rules need it."""

    id: int
    level: int
    parent_id: int | None


def scope_level(role: str) -> int | None:
    """The level a role's scope is mapped at; `None` for roles without a node scope."""
    return ROLE_LEVELS.get(role)


def validate_scope(
    role_level: int, nodes: Sequence[NodeRef], *, labels: HierarchyLabels | None = None
) -> None:
    """Check a scope mapping; raise `RuleViolation` naming every node at fault.

    The nodes must be non-empty, without duplicates, all at `role_level`, and share one
    parent (the first node at the right level is the reference; each node with another
    parent is listed).
    """
    if role_level not in LEVELS:
        raise ValueError(f"role level must be 1-4, not {role_level}")
    labels = labels or HierarchyLabels()
    wanted = labels.for_level(role_level)
    errors: list[ErrorDetail] = []
    if not nodes:
        errors.append(ErrorDetail(message="a scope needs at least one node", field="node_ids"))
    seen: set[int] = set()
    for node in nodes:
        if node.id in seen:
            errors.append(
                ErrorDetail(message=f"node {node.id} is listed more than once", field="node_ids")
            )
            continue
        seen.add(node.id)
        if node.level != role_level:
            level = labels.for_level(node.level) if node.level in LEVELS else "unknown level"
            errors.append(
                ErrorDetail(
                    message=(
                        f"node {node.id} is a {level} (level {node.level}); this role is "
                        f"scoped to {wanted} nodes (level {role_level})"
                    ),
                    field="node_ids",
                )
            )
    # Parents are compared among the nodes at the right level (the others are reported).
    at_level = [n for n in nodes if n.level == role_level]
    if at_level:
        reference = at_level[0]
        reported: set[int] = set()
        for node in at_level[1:]:
            if node.parent_id != reference.parent_id and node.id not in reported:
                reported.add(node.id)
                errors.append(
                    ErrorDetail(
                        message=(
                            f"node {node.id} has parent {node.parent_id} but node "
                            f"{reference.id} has parent {reference.parent_id}; several "
                            "nodes are allowed only when they share one parent"
                        ),
                        field="node_ids",
                    )
                )
    if errors:
        raise RuleViolation("the financial scope is invalid", errors=errors)


def children_by_parent(nodes: Iterable[TreeNode]) -> dict[int | None, list[int]]:
    """Child ids of each parent id (top-level nodes under `None`)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node.id)
    return dict(children)


def subtree_ids(nodes: Iterable[TreeNode], roots: Iterable[int]) -> set[int]:
    """The ids a scope rooted at `roots` can see: each root and everything below it.

    Root ids not among `nodes` are ignored (they see nothing).
    """
    node_list = list(nodes)
    known = {n.id for n in node_list}
    children = children_by_parent(node_list)
    visible: set[int] = set()
    stack = [r for r in roots if r in known]
    while stack:
        current = stack.pop()
        if current in visible:
            continue
        visible.add(current)
        stack.extend(children.get(current, ()))
    return visible


def ancestor_ids(nodes: Iterable[TreeNode], ids: Iterable[int]) -> set[int]:
    """The strict ancestors of `ids` (to show the path above a scope), not `ids` themselves
    unless one is an ancestor of another."""
    parent_of = {n.id: n.parent_id for n in nodes}
    ancestors: set[int] = set()
    for node_id in ids:
        parent = parent_of.get(node_id)
        while parent is not None and parent not in ancestors:
            ancestors.add(parent)
            parent = parent_of.get(parent)
    return ancestors
