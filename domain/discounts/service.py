"""Use cases of negotiated discounts: list, add, end. Each change bumps the allocation rules
version and publishes AllocationRulesChanged, so the spend is allocated again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain.allocation.service import rules_changed
from domain.audit import Actor, AuditEntry
from domain.discounts.model import Discount, check_end, check_new
from domain.errors import NotFound
from domain.ports import Clock, UnitOfWork


def discount_view(d: Discount) -> dict[str, Any]:
    return {
        "percent": str(d.percent),
        "start": d.start.isoformat(),
        "end": d.end.isoformat() if d.end else None,
    }


async def list_discounts(uow: UnitOfWork) -> list[Discount]:
    return await uow.discounts.list_all()


async def add_discount(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    *,
    percent: Decimal,
    start: date,
    end: date | None,
) -> Discount:
    """A new negotiated discount, in force from `start` to `end` (open when None)."""
    await uow.discounts.lock()
    check_new(
        percent, start, end, await uow.discounts.list_all(), await uow.budgets.closed_periods()
    )
    added = await uow.discounts.add(percent, start, end, actor.email, clock.now())
    await rules_changed(uow)
    await uow.audit.record(
        AuditEntry(actor, "discount.create", "discount", str(added.id), after=discount_view(added))
    )
    return added


async def end_discount(
    uow: UnitOfWork, clock: Clock, actor: Actor, *, discount_id: int, end: date, version: int
) -> Discount:
    """End a discount on `end` (its last day in force); the day before its start withdraws it."""
    await uow.discounts.lock()
    found = await uow.discounts.get(discount_id)
    if found is None:
        raise NotFound("discount not found")
    check_end(found, end, await uow.budgets.closed_periods())
    ended = await uow.discounts.set_end(discount_id, version, end, clock.now())
    await rules_changed(uow)
    await uow.audit.record(
        AuditEntry(
            actor,
            "discount.end",
            "discount",
            str(discount_id),
            before=discount_view(found),
            after=discount_view(ended),
        )
    )
    return ended
