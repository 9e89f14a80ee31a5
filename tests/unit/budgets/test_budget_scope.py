"""Financial scope: nodes at the role's level sharing one parent; the subtree they see."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.budgets.scope import (
    ROLE_LEVELS,
    NodeRef,
    ancestor_ids,
    scope_level,
    subtree_ids,
    validate_scope,
)
from domain.errors import RuleViolation


def a_ref(*, id: int, level: int = 2, parent_id: int | None = 1) -> NodeRef:
    return NodeRef(id=id, level=level, parent_id=parent_id)


def hierarchy() -> list[NodeRef]:
    """Units 1 and 2; departments 10, 11 (unit 1) and 20 (unit 2); portfolios; products."""
    return [
        a_ref(id=1, level=1, parent_id=None),
        a_ref(id=2, level=1, parent_id=None),
        a_ref(id=10, level=2, parent_id=1),
        a_ref(id=11, level=2, parent_id=1),
        a_ref(id=20, level=2, parent_id=2),
        a_ref(id=100, level=3, parent_id=10),
        a_ref(id=110, level=3, parent_id=11),
        a_ref(id=1000, level=4, parent_id=100),
        a_ref(id=1100, level=4, parent_id=110),
    ]


def messages(exc: pytest.ExceptionInfo[RuleViolation]) -> list[str]:
    return [e.message for e in exc.value.errors]


class TestRoleLevels:
    def test_each_owner_role_has_its_level(self) -> None:
        assert ROLE_LEVELS == {
            "business_unit_owner": 1,
            "department_owner": 2,
            "portfolio_owner": 3,
            "product_owner": 4,
        }
        assert scope_level("portfolio_owner") == 3
        assert scope_level("admin") is None


class TestValidateScope:
    def test_sibling_departments_are_allowed(self) -> None:
        assert validate_scope(2, [a_ref(id=10), a_ref(id=11)]) is None

    def test_several_business_units_share_the_top(self) -> None:
        units = [a_ref(id=1, level=1, parent_id=None), a_ref(id=2, level=1, parent_id=None)]
        assert validate_scope(1, units) is None

    def test_departments_of_two_units_are_refused(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            validate_scope(2, [a_ref(id=10), a_ref(id=11), a_ref(id=20, parent_id=2)])
        assert len(exc.value.errors) == 1
        assert messages(exc)[0].startswith("node 20 has parent 2 but node 10 has parent 1")

    def test_nodes_at_the_wrong_level_are_each_listed(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            validate_scope(
                3,
                [
                    a_ref(id=100, level=3, parent_id=10),
                    a_ref(id=10),
                    a_ref(id=1000, level=4, parent_id=10),
                ],
            )
        assert [m.split(" is ")[0] for m in messages(exc)] == ["node 10", "node 1000"]
        assert "scoped to Portfolio nodes (level 3)" in messages(exc)[0]

    def test_empty_scope(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            validate_scope(4, [])
        assert messages(exc) == ["a scope needs at least one node"]

    def test_duplicates(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            validate_scope(2, [a_ref(id=10), a_ref(id=10)])
        assert messages(exc) == ["node 10 is listed more than once"]

    def test_all_errors_at_once(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            validate_scope(
                2,
                [a_ref(id=10), a_ref(id=10), a_ref(id=5, level=3), a_ref(id=20, parent_id=2)],
            )
        assert [m.split(" ")[1] for m in messages(exc)] == ["10", "5", "20"]

    def test_unknown_role_level(self) -> None:
        with pytest.raises(ValueError, match="1-4"):
            validate_scope(5, [a_ref(id=10)])


class TestSubtree:
    def test_roots_and_everything_below(self) -> None:
        assert subtree_ids(hierarchy(), [10]) == {10, 100, 1000}
        assert subtree_ids(hierarchy(), [10, 11]) == {10, 11, 100, 110, 1000, 1100}

    def test_a_product_sees_only_itself(self) -> None:
        assert subtree_ids(hierarchy(), [1000]) == {1000}

    def test_unknown_roots_see_nothing(self) -> None:
        assert subtree_ids(hierarchy(), [999]) == set()

    def test_ancestors_for_the_path(self) -> None:
        assert ancestor_ids(hierarchy(), [1000]) == {100, 10, 1}
        assert ancestor_ids(hierarchy(), [1, 2]) == set()

    @given(st.sampled_from([n.id for n in hierarchy()]))
    def test_a_subtree_never_leaks_outside_its_root(self, root: int) -> None:
        nodes = hierarchy()
        visible = subtree_ids(nodes, [root])
        assert root in visible
        for node_id in visible - {root}:
            assert root in ancestor_ids(nodes, [node_id])
