"""The why of a card: movers against the previous period and the budget, new resources."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from domain.spend_cards.explain import MoverKind, explain
from domain.spend_cards.periods import CardPeriod

WEEK = CardPeriod(date(2025, 3, 9), date(2025, 3, 15))
PREVIOUS = CardPeriod(date(2025, 3, 2), date(2025, 3, 8))
SHORT_PREVIOUS = CardPeriod(date(2025, 3, 1), date(2025, 3, 1))


def why(**kw):
    args = {
        "budget": D("700.00"),
        "services": {},
        "previous_services": {},
        "resources": {},
        "previous_resources": {},
        "first_seen": {},
    }
    args.update(kw)
    previous = args.pop("previous", PREVIOUS)
    return explain(WEEK, previous, **args)


class TestAgainstPrevious:
    def test_largest_change_first_whichever_the_direction(self):
        w = why(
            services={"EC2": D("500"), "S3": D("50"), "RDS": D("10")},
            previous_services={"EC2": D("300"), "S3": D("50"), "RDS": D("310")},
        )
        assert [(m.name, m.change) for m in w.against_previous] == [
            ("RDS", D("-300.00")),
            ("EC2", D("200.00")),
        ]  # S3 did not move

    def test_a_shorter_previous_period_is_brought_to_this_periods_length(self):
        # 100 on a 1-day period is 700 over 7 days: 700 now is no change, 800 is +100
        steady = why(
            services={"EC2": D("700")}, previous_services={"EC2": D("100")}, previous=SHORT_PREVIOUS
        )
        assert steady.against_previous == ()
        assert steady.against_budget[0].previous == D("700.00")
        up = why(
            services={"EC2": D("800")}, previous_services={"EC2": D("100")}, previous=SHORT_PREVIOUS
        )
        assert up.against_previous[0].change == D("100.00")

    def test_a_service_gone_this_period_counts_as_a_fall(self):
        w = why(previous_services={"Lambda": D("70")})
        assert w.against_previous[0].change == D("-70.00")

    def test_the_lists_are_bounded_per_kind(self):
        many = {f"svc{i:02}": D(i) for i in range(1, 20)}
        res = {f"i-{i:02}": D(i) for i in range(1, 20)}
        w = why(services=many, resources=res, limit=3)
        kinds = [m.kind for m in w.against_previous]
        assert kinds == [MoverKind.SERVICE] * 3 + [MoverKind.RESOURCE] * 3
        assert [m.name for m in w.against_previous[:3]] == ["svc19", "svc18", "svc17"]


class TestAgainstBudget:
    def test_share_of_the_period_budget(self):
        w = why(services={"EC2": D("350"), "S3": D("70")})
        assert [(m.name, m.share_of_budget) for m in w.against_budget] == [
            ("EC2", D("0.5000")),
            ("S3", D("0.1000")),
        ]

    def test_no_share_of_a_zero_budget(self):
        w = why(budget=D("0"), services={"EC2": D("1")})
        assert w.against_budget[0].share_of_budget is None


class TestNewResources:
    def test_resources_first_seen_in_the_period_largest_first(self):
        w = why(
            resources={"i-new": D("5"), "i-big": D("40"), "i-old": D("100")},
            first_seen={
                "i-new": date(2025, 3, 9),
                "i-big": date(2025, 3, 15),
                "i-old": date(2025, 3, 8),
            },
            limit=1,
        )
        assert [(r.name, r.current) for r in w.new_resources] == [("i-big", D("40.00"))]
        assert w.new_resource_count == 2
