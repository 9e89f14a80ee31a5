"""Realized savings of an Implemented recommendation, tracked against the spend after it.

Method: the resource's cost in the whole calendar month *before* the month it was marked
implemented, against its cost in the whole month *after* that month (the month of the change
itself is mixed and left out). Both are the resource's CUR cost in the account, i.e. the sum
of what the allocation spreads over budgets for it. The figure is `before - after`, and can be
negative (the resource grew). It is `waiting` until the after month has ended, and cannot be
measured for a resource the CUR does not show (a purchase recommendation, a resource of
another payer): `not_in_cur`. A month the CUR has not delivered has no figure (None).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from domain.periods import period_key
from domain.recommendations.machine import Status
from domain.recommendations.model import Recommendation
from domain.recommendations.ports import ResourceCostReader


class Measure(StrEnum):
    MEASURED = "measured"
    WAITING = "waiting"
    NOT_IN_CUR = "not_in_cur"


@dataclass(frozen=True)
class RealizedSavings:
    implemented_on: date
    before_month: str
    after_month: str
    state: Measure
    before_cost: Decimal | None = None
    after_cost: Decimal | None = None

    @property
    def realized(self) -> Decimal | None:
        if self.state is not Measure.MEASURED or self.before_cost is None:
            return None
        if self.after_cost is None:
            return None
        return self.before_cost - self.after_cost


def _shift(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def measurement_months(implemented_on: date) -> tuple[str, str]:
    """The whole months compared: the one before the change's month and the one after."""
    return period_key(_shift(implemented_on, -1)), period_key(_shift(implemented_on, 1))


async def realized_savings(
    rec: Recommendation, costs: ResourceCostReader, today: date
) -> RealizedSavings | None:
    """The realized savings of an Implemented recommendation (None for any other)."""
    if rec.status is not Status.IMPLEMENTED or rec.status_changed_at is None:
        return None
    implemented_on = rec.status_changed_at.date()
    before, after = measurement_months(implemented_on)
    if not rec.in_cur:
        return RealizedSavings(implemented_on, before, after, Measure.NOT_IN_CUR)
    found = await costs.monthly_costs(rec.row.account_id, rec.resource_id, [before, after])
    after_ended = _shift(implemented_on, 2) <= today
    return RealizedSavings(
        implemented_on,
        before,
        after,
        Measure.MEASURED if after_ended else Measure.WAITING,
        found.get(before),
        found.get(after) if after_ended else None,
    )
