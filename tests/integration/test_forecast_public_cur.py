"""The forecast method on the public CUR (real AWS workshop accounts, October to December
2018), read in place: skipped where that data is absent."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from domain.forecasts.anomalies import spikes
from domain.forecasts.method import backtest, forecast, last_week_profile

PUBLIC = Path("/work/shared/data/public/wa-labs-workshop-cur")

pytestmark = pytest.mark.skipif(
    not PUBLIC.is_dir(), reason=f"the public CUR is not on this machine ({PUBLIC})"
)


def account_series() -> dict[str, list[float]]:
    files = sorted(str(p) for p in PUBLIC.glob("*.parquet"))
    rows = duckdb.sql(
        "SELECT line_item_usage_account_id, CAST(line_item_usage_start_date AS DATE) AS day, "
        "CAST(SUM(line_item_unblended_cost) AS DOUBLE) "
        f"FROM read_parquet({files}, union_by_name = true) "
        "WHERE day BETWEEN DATE '2018-10-01' AND DATE '2018-12-31' GROUP BY ALL"
    ).fetchall()
    out: dict[str, list[float]] = {}
    for account, day, amount in rows:
        out.setdefault(account, [0.0] * 92)[(day - date(2018, 10, 1)).days] += amount
    return out


def test_both_methods_back_test_november_and_december_of_each_account():
    series = account_series()
    assert set(series) == {"836060457634", "011254002932"}
    first = date(2018, 10, 1)
    totals = {a: sum(s) for a, s in series.items()}
    assert totals["836060457634"] == pytest.approx(7807.96, abs=0.01)  # the README's figure
    for s in series.values():
        for tested in (backtest(s, first), backtest(s, first, method=last_week_profile)):
            assert len(tested.apes) == 2
            assert tested.band() is None  # two months are too few for a band
        made = forecast(s[:61], first, year_end=date(2018, 12, 31))  # as of 30 November
        assert made.last == first + timedelta(days=60)
        assert made.year_end >= sum(s[:61]) - 1e-9


def test_no_workshop_day_is_a_spike():
    # real spend with its ups and downs (a workshop winding down in December): nothing spikes
    first = date(2018, 10, 1)
    found = {a: [x.day for x in spikes(s, first)] for a, s in account_series().items()}
    assert found == {"836060457634": [], "011254002932": []}
