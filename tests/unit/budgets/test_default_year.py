from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from domain.budgets.model import default_year


class TestDefaultYear:
    def test_none_without_years(self):
        assert default_year([], date(2026, 5, 1)) is None

    @given(
        years=st.sets(st.integers(2000, 2100), min_size=1, max_size=8),
        today=st.dates(date(2000, 1, 1), date(2100, 12, 31)),
    )
    def test_todays_year_else_the_newest_past_else_the_earliest(self, years, today):
        chosen = default_year(years, today)
        assert chosen in years
        if today.year in years:
            assert chosen == today.year
        elif any(y < today.year for y in years):
            assert chosen == max(y for y in years if y < today.year)
        else:
            assert chosen == min(years)
