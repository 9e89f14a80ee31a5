"""Rollup through the hierarchy: sums are exact, scope restricts what is counted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.budgets.model import HierarchyLabels
from domain.budgets.rollup import (
    HierarchyNode,
    RollupNode,
    build_rollup_tree,
    rollup_totals,
)
from domain.errors import RuleViolation


def a_node(
    *, id: int, parent_id: int | None = None, level: int = 1, name: str = ""
) -> HierarchyNode:
    return HierarchyNode(id=id, parent_id=parent_id, level=level, name=name or f"node {id}")


def sample_tree() -> list[HierarchyNode]:
    """Two business units; unit 1 has two departments, one with two products."""
    return [
        a_node(id=1, name="Retail"),
        a_node(id=2, name="Corporate"),
        a_node(id=10, parent_id=1, level=2, name="Cards"),
        a_node(id=11, parent_id=1, level=2, name="Loans"),
        a_node(id=20, parent_id=2, level=2, name="Treasury"),
        a_node(id=100, parent_id=10, level=3, name="Payments"),
        a_node(id=110, parent_id=11, level=3, name="Mortgages"),
        a_node(id=200, parent_id=20, level=3, name="FX"),
        a_node(id=1000, parent_id=100, level=4, name="Wallet"),
        a_node(id=1001, parent_id=100, level=4, name="Checkout"),
        a_node(id=1100, parent_id=110, level=4, name="Fixed"),
        a_node(id=2000, parent_id=200, level=4, name="Spot"),
    ]


ANNUAL = {
    1000: Decimal("100.10"),
    1001: Decimal("200.20"),
    1100: Decimal("300.30"),
    2000: Decimal("400.40"),
}
MONTHLY = {
    1000: {"2025-01": Decimal("10"), "2025-02": Decimal("20")},
    1001: {"2025-01": Decimal("1.5")},
    2000: {"2025-02": Decimal("7")},
}


class TestRollupTotals:
    def test_each_node_sums_its_leaves(self) -> None:
        totals = rollup_totals(sample_tree(), ANNUAL, MONTHLY)
        assert totals[100].annual_amount == Decimal("300.30")
        assert totals[1].annual_amount == Decimal("600.60")
        assert totals[2].annual_amount == Decimal("400.40")
        assert totals[1].months == {"2025-01": Decimal("11.5"), "2025-02": Decimal("20")}
        assert totals[110].months == {}

    def test_leaves_without_amounts_total_zero(self) -> None:
        totals = rollup_totals(sample_tree(), {1000: Decimal("5")})
        assert totals[11].annual_amount == 0
        assert totals[1].annual_amount == Decimal("5")


class TestVisibleRoots:
    def test_only_the_visible_subtrees_are_counted(self) -> None:
        totals = rollup_totals(sample_tree(), ANNUAL, visible_roots={10})
        assert set(totals) == {10, 100, 1000, 1001}
        assert totals[10].annual_amount == Decimal("300.30")

    def test_ancestors_total_only_what_is_visible(self) -> None:
        totals = rollup_totals(sample_tree(), ANNUAL, visible_roots={10}, include_ancestors=True)
        assert set(totals) == {1, 10, 100, 1000, 1001}
        assert totals[1].annual_amount == Decimal("300.30")  # not Loans' 300.30 too

    def test_unknown_roots_see_nothing(self) -> None:
        assert rollup_totals(sample_tree(), ANNUAL, visible_roots={999}) == {}


class TestRollupTree:
    def test_nested_nodes_with_labels_sorted_by_name(self) -> None:
        labels = HierarchyLabels("Segment", "Division", "Program", "Project")
        tree = build_rollup_tree(sample_tree(), ANNUAL, MONTHLY, labels=labels)
        assert [n.name for n in tree] == ["Corporate", "Retail"]
        retail = tree[1]
        assert retail.label == "Segment"
        assert retail.annual_amount == Decimal("600.60")
        payments = retail.children[0].children[0]
        assert payments.label == "Program"
        assert [p.name for p in payments.children] == ["Checkout", "Wallet"]
        assert payments.children[0].label == "Project"

    def test_scope_tree_starts_at_the_roots(self) -> None:
        tree = build_rollup_tree(sample_tree(), ANNUAL, visible_roots={10, 11})
        assert [n.id for n in tree] == [10, 11]

    def test_scope_tree_with_ancestors(self) -> None:
        [top] = build_rollup_tree(sample_tree(), ANNUAL, visible_roots={11}, include_ancestors=True)
        assert (top.id, top.annual_amount) == (1, Decimal("300.30"))
        assert [c.id for c in top.children] == [11]


class TestMalformedInput:
    def test_every_bad_node_is_listed(self) -> None:
        nodes = [
            a_node(id=1),
            a_node(id=2, parent_id=1, level=3),  # skips a level
            a_node(id=3, parent_id=42, level=2),  # unknown parent
            a_node(id=4, level=2),  # no parent
            a_node(id=5, level=7),
        ]
        with pytest.raises(RuleViolation) as exc:
            rollup_totals(nodes, {})
        assert [e.message.split(":")[0] for e in exc.value.errors] == [
            "node 2",
            "node 3",
            "node 4",
            "node 5",
        ]

    def test_amounts_only_on_products(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            rollup_totals(sample_tree(), {10: Decimal("1"), 77: Decimal("1")})
        assert len(exc.value.errors) == 2


@st.composite
def random_trees(draw: st.DrawFn) -> tuple[list[HierarchyNode], dict[int, Decimal]]:
    nodes: list[HierarchyNode] = []
    next_id = iter(range(1, 10_000))
    parents: list[int | None] = [None]
    for level in range(1, 5):
        current: list[int | None] = []
        for parent in parents:
            for _ in range(draw(st.integers(min_value=0 if level > 1 else 1, max_value=3))):
                node_id = next(next_id)
                nodes.append(HierarchyNode(node_id, parent, level, f"n{node_id}"))
                current.append(node_id)
        parents = current
    amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
    leaves = {n.id: draw(amounts) for n in nodes if n.level == 4}
    return nodes, leaves


def _walk(node: RollupNode) -> list[RollupNode]:
    return [node, *(d for c in node.children for d in _walk(c))]


class TestRollupProperties:
    @settings(max_examples=60, deadline=None)
    @given(random_trees())
    def test_root_totals_equal_the_sum_of_leaves(
        self, tree: tuple[list[HierarchyNode], dict[int, Decimal]]
    ) -> None:
        nodes, leaves = tree
        tops = build_rollup_tree(nodes, leaves)
        assert sum((t.annual_amount for t in tops), Decimal(0)) == sum(leaves.values(), Decimal(0))
        for top in tops:
            for node in _walk(top):
                if node.children:
                    assert node.annual_amount == sum(
                        (c.annual_amount for c in node.children), Decimal(0)
                    )

    @settings(max_examples=40, deadline=None)
    @given(random_trees(), st.data())
    def test_a_scope_never_counts_what_it_cannot_see(
        self, tree: tuple[list[HierarchyNode], dict[int, Decimal]], data: st.DataObject
    ) -> None:
        nodes, leaves = tree
        root = data.draw(st.sampled_from(nodes))
        totals = rollup_totals(nodes, leaves, visible_roots={root.id}, include_ancestors=True)
        below = rollup_totals(nodes, leaves)[root.id].annual_amount
        top_ids = [i for i in totals if next(n for n in nodes if n.id == i).level == 1]
        assert [totals[i].annual_amount for i in top_ids] == [below]
