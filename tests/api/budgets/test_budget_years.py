"""The year the budgets page opens on: the fiscal year that contains today (server clock)."""

from __future__ import annotations

from datetime import date

import pytest

from adapters.clock import FixedClock

LABELS = ["Business Unit", "Department", "Portfolio", "Product"]


class TestDefaultYear:
    @pytest.mark.parametrize(
        ("defined", "today", "opened"),
        [
            ([2026, 2027], date(2026, 12, 2), 2026),  # a 2027 chart does not move 2026 users
            ([2026, 2027], date(2027, 1, 1), 2027),
            ([2025, 2027], date(2026, 6, 1), 2025),  # the newest before today
            ([2027, 2028], date(2026, 6, 1), 2027),  # only future years: the earliest
        ],
    )
    async def test_the_year_containing_today(
        self, client, container, finance, defined, today, opened
    ):
        container.clock = FixedClock.on(today)
        for year in defined:
            r = await client.post(
                "/api/v1/years", headers=finance, json={"year": year, "labels": LABELS}
            )
            assert r.status_code == 201, r.text
        years = (await client.get("/api/v1/years", headers=finance)).json()
        assert sorted(y["year"] for y in years) == defined
        assert [y["year"] for y in years if y["default"]] == [opened]

    async def test_no_year_no_default(self, client, finance):
        assert (await client.get("/api/v1/years", headers=finance)).json() == []
