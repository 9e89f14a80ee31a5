"""Factories for allocation tests (keyword defaults) and hypothesis strategies for random
rule sets and daily cost rows within one billing month (March 2026: Mondays 2, 9, 16, 23, 30)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from domain.allocation.reference import CostRow
from domain.allocation.rules import (
    AllocationRules,
    ClaimSpan,
    CostBasis,
    NegotiatedDiscount,
    SplitLine,
)

ACCOUNT = "000000000001"
OTHER = "011254002932"
THIRD = "836060457634"
FIRST_DAY = date(2026, 3, 1)
LAST_DAY = date(2026, 3, 31)
LINE_ITEM_TYPES = (
    "Usage",
    "DiscountedUsage",
    "SavingsPlanCoveredUsage",
    "SavingsPlanNegation",
    "SavingsPlanRecurringFee",
    "RIFee",
    "Fee",
    "Tax",
    "Credit",
    "Refund",
    "EdpDiscount",
    "PrivateRateDiscount",
    "BundledDiscount",
    "Discount",
    "SomethingNew",
)


def a_row(
    *,
    cost: str | Decimal | None = "10.0000000000",
    usage_date: date = date(2026, 3, 10),
    account_id: str | None = ACCOUNT,
    resource_id: str | None = "i-1",
    service: str | None = "AmazonEC2",
    line_item_type: str | None = "Usage",
    net: str | Decimal | None = None,
    amortized: str | Decimal | None = None,
) -> CostRow:
    def money(value: str | Decimal | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    unblended = money(cost)
    return CostRow(
        usage_date=usage_date,
        account_id=account_id,
        resource_id=resource_id,
        service=service,
        line_item_type=line_item_type,
        unblended_cost=unblended,
        net_unblended_cost=money(net) if net is not None else unblended,
        amortized_cost=money(amortized) if amortized is not None else unblended,
    )


def a_split(
    shares: dict[int, str],
    *,
    account_id: str = ACCOUNT,
    start: date = date(2026, 1, 1),
    end: date | None = None,
) -> list[SplitLine]:
    """The lines of one split version: {budget_id: percent}."""
    return [
        SplitLine(account_id, budget, Decimal(percent), start, end)
        for budget, percent in shares.items()
    ]


def a_claim(
    *,
    resource_id: str = "i-1",
    account_id: str = ACCOUNT,
    workload_id: int = 900,
    budget_id: int = 90,
    start: date = date(2026, 3, 1),
    end: date | None = None,
) -> ClaimSpan:
    return ClaimSpan(account_id, resource_id, workload_id, budget_id, start, end)


# ---------------------------------------------------------------------- strategies

ACCOUNTS = (ACCOUNT, OTHER, THIRD)
RESOURCES = ("i-1", "i-2", "vol-3", "arn:aws:s3:::bucket-4")
BUDGETS = tuple(range(1, 8))

days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
# 10 decimals, from tiny to the largest DECIMAL(20,10); zero and negatives included
costs = st.one_of(
    st.decimals(min_value=Decimal("-1000"), max_value=Decimal("1000"), places=10, allow_nan=False),
    st.sampled_from(
        [
            Decimal("0"),
            Decimal("1E-10"),
            Decimal("-1E-10"),
            Decimal("0.0000000003"),
            Decimal("9999999999.9999999999"),
            Decimal("-9999999999.9999999999"),
            Decimal("123456789.0123456789"),
            # either side of 10^8, where the summary's split leaves 64-bit arithmetic
            Decimal("99999999.9999999999"),
            Decimal("-99999999.9999999999"),
            Decimal("100000000"),
            Decimal("-100000000.0000000001"),
        ]
    ),
)


@st.composite
def percents(draw: st.DrawFn, n: int) -> list[Decimal]:
    """n percents (2 decimals, each > 0) that total exactly 100.00."""
    cuts = sorted(draw(st.sets(st.integers(1, 9_999), min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, 10_000]
    return [Decimal(b - a) / 100 for a, b in zip(bounds, bounds[1:], strict=False)]


@st.composite
def split_lines(draw: st.DrawFn) -> list[SplitLine]:
    """Per account: consecutive versions remapped on random days (often Mondays), sometimes
    with a gap, sometimes no split at all."""
    lines: list[SplitLine] = []
    for account in ACCOUNTS:
        if draw(st.integers(0, 4)) == 0:
            continue
        cuts = sorted(draw(st.sets(days, max_size=3)))
        starts = [draw(st.sampled_from([date(2026, 2, 1), FIRST_DAY, date(2026, 3, 4)]))]
        starts += [c for c in cuts if c > starts[0]]
        for i, start in enumerate(starts):
            last = i == len(starts) - 1
            end = None if last else starts[i + 1] - timedelta(days=1)
            if last and draw(st.booleans()):
                end = draw(st.sampled_from([date(2026, 3, 20), LAST_DAY, date(2026, 4, 30)]))
                if end < start:
                    end = None
            if not last and draw(st.integers(0, 5)) == 0:
                continue  # a gap: no split in force on these days
            # up to 6 lines: the summary ranks 2 to 4 lines in closed form, more with arrays
            n = draw(st.integers(1, 6))
            budgets = draw(st.lists(st.sampled_from(BUDGETS), min_size=n, max_size=n, unique=True))
            for budget, percent in zip(budgets, draw(percents(n)), strict=True):
                lines.append(SplitLine(account, budget, percent, start, end))
    return lines


@st.composite
def claim_spans(draw: st.DrawFn) -> list[ClaimSpan]:
    """Per resource: claims, releases and re-claims that never overlap, plus empty spans
    (claimed and released the same day)."""
    spans: list[ClaimSpan] = []
    workload = 100
    for account in ACCOUNTS:
        for resource in RESOURCES:
            if draw(st.booleans()):
                continue
            edges = sorted(draw(st.sets(days, min_size=1, max_size=4)))
            start = edges[0]
            for i, day in enumerate([*edges[1:], None]):
                workload += 1
                budget = draw(st.sampled_from(BUDGETS))
                if day is not None and draw(st.integers(0, 6)) == 0:
                    spans.append(
                        ClaimSpan(account, resource, workload, budget, day, day - timedelta(1))
                    )
                end = None if day is None else day - timedelta(days=1 + (i % 2))
                if end is not None and end < start:
                    end = start
                spans.append(ClaimSpan(account, resource, workload, budget, start, end))
                if day is None:
                    break
                start = (end or day) + timedelta(days=1)
                if start > LAST_DAY:
                    break
    return spans


@st.composite
def discounts(draw: st.DrawFn) -> list[NegotiatedDiscount]:
    chosen = draw(st.integers(0, 2))
    if chosen == 0:
        return []
    pct = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2)
    if chosen == 1:
        return [NegotiatedDiscount(draw(pct), draw(st.sampled_from([date(2026, 1, 1), FIRST_DAY])))]
    cut = draw(days)
    return [
        NegotiatedDiscount(draw(pct), date(2026, 1, 1), cut - timedelta(days=1)),
        NegotiatedDiscount(draw(pct), cut, None),
    ]


rules = st.builds(AllocationRules, split_lines(), claim_spans(), discounts())


@st.composite
def cost_rows(draw: st.DrawFn, *, max_size: int = 40) -> list[CostRow]:
    resource = st.one_of(st.none(), st.sampled_from(RESOURCES), st.just("i-unclaimed"))
    row = st.builds(
        CostRow,
        usage_date=days,
        account_id=st.sampled_from(ACCOUNTS),
        resource_id=resource,
        service=st.sampled_from(["AmazonEC2", "AmazonS3", None]),
        line_item_type=st.one_of(st.sampled_from(LINE_ITEM_TYPES), st.just(None)),
        unblended_cost=st.one_of(costs, st.none()),
        net_unblended_cost=costs,
        amortized_cost=costs,
    )
    rows = draw(st.lists(row, max_size=max_size))
    if draw(st.booleans()):
        # most periods show gross prices: keep the discount lines out half of the time
        rows = [
            r
            for r in rows
            if r.line_item_type
            not in ("EdpDiscount", "PrivateRateDiscount", "BundledDiscount", "Discount")
        ]
    return rows


bases = st.sampled_from(list(CostBasis))
