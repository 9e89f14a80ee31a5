"""Rounding money to cents where the rounded parts must add up to a rounded total: the
largest-remainder method (SPEC: "largest-remainder rounding wherever rounded parts must add up
to a rounded total")."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext

CENT = Decimal("0.01")
ZERO = Decimal("0")
# enough digits for a DECIMAL(38,10) total times a weight ratio, so a share is exact to far
# below a cent
PRECISE = Context(prec=60)


def to_cents(amount: Decimal) -> Decimal:
    """`amount` rounded half-up to cents (the edge rounding of files and display fields)."""
    # + ZERO: a negative amount that rounds to nothing is 0.00, not -0.00
    return amount.quantize(CENT, rounding=ROUND_HALF_UP) + ZERO


def split_cents(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`total` (rounded half-up to cents first) split in cents in proportion to `weights`.

    The parts sum exactly to the rounded total and each part is within one cent of its exact
    share `total * w / sum(weights)`. Each share is floored to cents; the cents left over go one
    each to the largest remainders (ties: the earlier weight). Weights may be negative (a credit)
    as long as they do not sum to zero; when they do (or there are none) the whole total goes to
    the first part, and an empty split of a non-zero total is refused."""
    cents = to_cents(total)
    if not weights:
        if cents != ZERO:
            raise ValueError("a non-zero total needs at least one part")
        return []
    with localcontext(PRECISE):
        whole = sum(weights, ZERO)
        if whole == ZERO:
            return [cents, *(to_cents(ZERO) for _ in weights[1:])]
        shares = [total * w / whole for w in weights]
        # parts in whole cents, each share scaled to cents and floored
        scaled = [s / CENT for s in shares]
        floors = [s.to_integral_value(rounding=ROUND_FLOOR) for s in scaled]
        left = int(cents / CENT - sum(floors, ZERO))
        # `total` is within half a cent of `cents`, so 0 <= left <= len(weights)
        order = sorted(range(len(weights)), key=lambda i: (-(scaled[i] - floors[i]), i))
        bump = set(order[:left])
        return [
            (((f + 1) if i in bump else f) * CENT).quantize(CENT) + ZERO
            for i, f in enumerate(floors)
        ]
