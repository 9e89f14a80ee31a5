"""Rolling budget (or spend) amounts up the four-level hierarchy.

Amounts sit on the leaves (level-4 product nodes): an annual amount and optionally
amounts per month (``'YYYY-MM'``). Every node's total is the sum over the leaves below
it; a node with no leaves below totals zero. Restricted to visible roots (a user's
scope), only the visible subtrees count: nothing outside the scope leaks into a total,
and ancestors shown for context (`include_ancestors`) total only what is visible.
Sums are exact `Decimal` arithmetic; rounding belongs to the edge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from decimal import Decimal

from domain.budgets.model import LEVELS, PRODUCT_LEVEL, HierarchyLabels
from domain.budgets.scope import ancestor_ids, subtree_ids
from domain.errors import ErrorDetail, RuleViolation

ZERO = Decimal("0")


@dataclass(frozen=True)
class HierarchyNode:
    """A node of a year's hierarchy: level 1 (top, no parent) to 4 (product budget)."""

    id: int
    parent_id: int | None
    level: int
    name: str


@dataclass(frozen=True)
class Totals:
    """A node's rolled-up annual amount and amounts per month (``'YYYY-MM'``)."""

    annual_amount: Decimal
    months: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class RollupNode:
    """A node of the rollup tree, with its totals and its children (sorted by name)."""

    id: int
    name: str
    level: int
    label: str
    annual_amount: Decimal
    months: dict[str, Decimal]
    children: tuple[RollupNode, ...]


def _validate(
    nodes: Sequence[HierarchyNode],
    annual: Mapping[int, Decimal],
    monthly: Mapping[int, Mapping[str, Decimal]],
) -> dict[int, HierarchyNode]:
    errors: list[ErrorDetail] = []
    by_id: dict[int, HierarchyNode] = {}
    for node in nodes:
        if node.id in by_id:
            errors.append(ErrorDetail(message=f"node {node.id} appears twice", field="nodes"))
        by_id[node.id] = node
    for node in nodes:
        problem: str | None = None
        if node.level not in LEVELS:
            problem = f"level {node.level} is not 1-4"
        elif node.level == 1 and node.parent_id is not None:
            problem = "a top-level node has no parent"
        elif node.level > 1 and node.parent_id is None:
            problem = f"a level-{node.level} node needs a parent"
        elif node.parent_id is not None:
            parent = by_id.get(node.parent_id)
            if parent is None:
                problem = f"parent {node.parent_id} is unknown"
            elif parent.level != node.level - 1:
                problem = f"parent {parent.id} is at level {parent.level}, not {node.level - 1}"
        if problem is not None:
            errors.append(ErrorDetail(message=f"node {node.id}: {problem}", field="nodes"))
    for node_id in sorted({*annual, *monthly}):
        leaf = by_id.get(node_id)
        if leaf is None or leaf.level != PRODUCT_LEVEL:
            errors.append(
                ErrorDetail(
                    message=f"amounts given for node {node_id}, which is not a product node",
                    field="amounts",
                )
            )
    if errors:
        raise RuleViolation("the hierarchy cannot be rolled up", errors=errors)
    return by_id


def rollup_totals(
    nodes: Sequence[HierarchyNode],
    annual: Mapping[int, Decimal],
    monthly: Mapping[int, Mapping[str, Decimal]] | None = None,
    *,
    visible_roots: Set[int] | None = None,
    include_ancestors: bool = False,
) -> dict[int, Totals]:
    """Each included node's totals over the visible leaves below it.

    `annual` and `monthly` are keyed by product node id (missing: zero). With
    `visible_roots` only those subtrees are included (unknown ids are ignored), plus their
    ancestors when `include_ancestors`. Raises `RuleViolation` for a malformed hierarchy
    or amounts on a node that is not a product.
    """
    monthly = monthly or {}
    by_id = _validate(nodes, annual, monthly)
    if visible_roots is None:
        visible = set(by_id)
        included = visible
    else:
        visible = subtree_ids(nodes, visible_roots)
        included = visible | (ancestor_ids(nodes, visible) if include_ancestors else set())

    annual_total: dict[int, Decimal] = dict.fromkeys(included, ZERO)
    month_total: dict[int, dict[str, Decimal]] = {i: {} for i in included}
    for node_id in visible:
        if by_id[node_id].level == PRODUCT_LEVEL:
            annual_total[node_id] = annual.get(node_id, ZERO)
            month_total[node_id] = dict(monthly.get(node_id, {}))
    # Children before parents: each node is complete when it is added to its parent.
    for node_id in sorted(included, key=lambda i: -by_id[i].level):
        parent_id = by_id[node_id].parent_id
        if parent_id is None or parent_id not in included:
            continue
        annual_total[parent_id] += annual_total[node_id]
        parent_months = month_total[parent_id]
        for month, amount in month_total[node_id].items():
            parent_months[month] = parent_months.get(month, ZERO) + amount
    return {
        i: Totals(annual_amount=annual_total[i], months=dict(sorted(month_total[i].items())))
        for i in included
    }


def build_rollup_tree(
    nodes: Sequence[HierarchyNode],
    annual: Mapping[int, Decimal],
    monthly: Mapping[int, Mapping[str, Decimal]] | None = None,
    *,
    labels: HierarchyLabels | None = None,
    visible_roots: Set[int] | None = None,
    include_ancestors: bool = False,
) -> tuple[RollupNode, ...]:
    """The rollup as nested `RollupNode`s, children sorted by name (case-insensitive).

    The top of the result is the level-1 nodes; with `visible_roots`, the visible roots
    (or, with `include_ancestors`, the level-1 ancestors above them, carrying only the
    visible totals).
    """
    labels = labels or HierarchyLabels()
    totals = rollup_totals(
        nodes,
        annual,
        monthly,
        visible_roots=visible_roots,
        include_ancestors=include_ancestors,
    )
    by_id = {n.id: n for n in nodes}
    children: dict[int, list[int]] = {i: [] for i in totals}
    tops: list[int] = []
    for node_id in totals:
        parent_id = by_id[node_id].parent_id
        if parent_id is not None and parent_id in totals:
            children[parent_id].append(node_id)
        else:
            tops.append(node_id)

    label_of = {level: labels.for_level(level) for level in LEVELS}

    def order(ids: list[int]) -> list[int]:
        if len(ids) < 2:  # most nodes are leaves
            return ids
        return sorted(ids, key=lambda i: (by_id[i].name.casefold(), i))

    def build(node_id: int) -> RollupNode:
        node = by_id[node_id]
        return RollupNode(
            id=node.id,
            name=node.name,
            level=node.level,
            label=label_of[node.level],
            annual_amount=totals[node_id].annual_amount,
            months=totals[node_id].months,
            children=tuple(build(c) for c in order(children[node_id])),
        )

    return tuple(build(t) for t in order(tops))
