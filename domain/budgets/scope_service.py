"""Financial-scope use cases: map an owner to nodes at the level of their role, and check
that a mapping still fits a role (a role change re-checks it).

Each takes the unit of work and raises domain errors before writing anything."""

from __future__ import annotations

from collections.abc import Sequence

from domain.audit import Actor, AuditEntry
from domain.budgets.records import NodeRecord
from domain.budgets.scope import NodeRef, validate_scope
from domain.errors import ErrorDetail, NotFound, RuleViolation
from domain.identity.roles import ROLE_LEVEL
from domain.identity.users import User
from domain.ports import BudgetStore, UnitOfWork


async def set_user_scope(
    uow: UnitOfWork, actor: Actor, *, user_id: int, node_ids: Sequence[int]
) -> frozenset[int]:
    """Map an owner to nodes at the level of their role that share one parent. An empty list
    removes the mapping (for any role)."""
    user = await uow.users.get(user_id)
    if user is None:
        raise NotFound("user not found")
    return await map_scope(uow, actor, user=user, node_ids=node_ids)


async def map_scope(
    uow: UnitOfWork, actor: Actor, *, user: User, node_ids: Sequence[int]
) -> frozenset[int]:
    """`set_user_scope` for a user already loaded (the user service's role change)."""
    store, audit = uow.budgets, uow.audit
    level = ROLE_LEVEL.get(user.role)
    if level is None and node_ids:
        raise RuleViolation(
            "this role has no financial scope",
            [
                ErrorDetail(
                    message=f"a {user.role.value} sees by role, not by scope; only business unit, "
                    "department, portfolio and product owners are mapped to nodes",
                    field="node_ids",
                )
            ],
        )
    if not node_ids:
        before = await store.scope_of(user.id)
        await store.set_scope(user.id, [])
        await audit.record(
            AuditEntry(
                actor,
                "user.scope",
                "user",
                str(user.id),
                before={"node_ids": sorted(before)},
                after={"node_ids": []},
            )
        )
        return frozenset()
    found = await store.nodes_by_id(node_ids)
    missing = [i for i in node_ids if i not in found]
    if missing:
        raise RuleViolation(
            "unknown nodes",
            [ErrorDetail(message=f"node {i} does not exist", field="node_ids") for i in missing],
        )
    nodes = [found[i] for i in node_ids]
    assert level is not None
    await _validate_mapping(store, level, nodes)
    before = await store.scope_of(user.id)
    await store.set_scope(user.id, node_ids)
    await audit.record(
        AuditEntry(
            actor,
            "user.scope",
            "user",
            str(user.id),
            before={"node_ids": sorted(before)},
            after={"node_ids": sorted(node_ids)},
        )
    )
    return frozenset(node_ids)


async def _validate_mapping(store: BudgetStore, level: int, nodes: Sequence[NodeRecord]) -> None:
    years = {n.year for n in nodes}
    labels = await store.labels(nodes[0].year) if len(years) == 1 else None
    validate_scope(
        level,
        [NodeRef(id=n.id, level=n.level, parent_id=n.parent_id) for n in nodes],
        labels=labels,
    )


async def check_scope_fits_role(uow: UnitOfWork, *, user: User) -> None:
    """After a role change: the user's existing mapping must fit the new role, else the change
    is refused (a Business Unit Owner turned Product Owner must not keep a whole business unit
    with a Product Owner's write powers). Send the new mapping with the role change instead."""
    store = uow.budgets
    mapped = sorted(await store.scope_of(user.id))
    if not mapped:
        return
    found = await store.nodes_by_id(mapped)
    nodes = [found[i] for i in mapped if i in found]
    described = ", ".join(f"node {n.id} '{n.name}' (level {n.level})" for n in nodes)
    level = ROLE_LEVEL.get(user.role)
    fix = "send node_ids with the role change"
    if level is None:
        raise RuleViolation(
            f"the user's financial scope does not fit the role {user.role.value}",
            [
                ErrorDetail(
                    message=f"a {user.role.value} has no financial scope but the user is mapped "
                    f"to {described}; {fix} ([] removes the mapping)",
                    field="role",
                )
            ],
        )
    try:
        await _validate_mapping(store, level, nodes)
    except RuleViolation as exc:
        raise RuleViolation(
            f"the user's financial scope does not fit the role {user.role.value}",
            [
                ErrorDetail(
                    message=f"the mapping to {described} no longer fits a {user.role.value}: "
                    f"{e.message}; {fix}",
                    field="role",
                )
                for e in exc.errors
            ],
        ) from exc
