"""Daily spend anomalies of a budget: the rule and what caused a spike. Pure Python.

A day is a **spike** when its total beats every one of these, against the trailing
`WINDOW_DAYS` days before it (docs/forecasts.md has the tuning on the demo):
- more than median + `MAD_FACTOR` × MAD (median absolute deviation): far outside the usual
  spread;
- more than `MAX_FACTOR` × the window's largest day: not one more of the budget's usual big
  days (the window reaches back past the previous 1st, when monthly fees are dated);
- at least `MIN_EXCESS` above the median: not a few dollars on a tiny budget.

Its **causes**: each service whose spend that day exceeds its own trailing median by at least
`SERVICE_SHARE` of the day's excess, with the `TOP_RESOURCES` resources of that service whose
spend rose most.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

WINDOW_DAYS = 35
MAD_FACTOR = 5.0
MAX_FACTOR = 2.5
MIN_EXCESS = 50.0
SERVICE_SHARE = 0.25
TOP_RESOURCES = 5


@dataclass(frozen=True)
class Spike:
    day: date
    total: float
    median: float
    mad: float
    window_max: float

    @property
    def excess(self) -> float:
        return self.total - self.median


def judge(window: Sequence[float], total: float, day: date) -> Spike | None:
    """The spike of `day` (spending `total`) against `window`, the days before it; None when
    the day is ordinary or the window is shorter than `WINDOW_DAYS`."""
    if len(window) < WINDOW_DAYS:
        return None
    window = window[-WINDOW_DAYS:]
    median = statistics.median(window)
    mad = statistics.median(abs(x - median) for x in window)
    top = max(window)
    if (
        total > median + MAD_FACTOR * mad
        and total > MAX_FACTOR * top
        and total - median >= MIN_EXCESS
    ):
        return Spike(day, total, median, mad, top)
    return None


def spikes(series: Sequence[float], first: date, *, since: date | None = None) -> list[Spike]:
    """Every spike of the daily `series` (from `first`), from `since` on (default: all)."""
    found: list[Spike] = []
    start = WINDOW_DAYS if since is None else max(WINDOW_DAYS, (since - first).days)
    for i in range(start, len(series)):
        spike = judge(series[i - WINDOW_DAYS : i], series[i], first + timedelta(days=i))
        if spike is not None:
            found.append(spike)
    return found


@dataclass(frozen=True)
class ResourceRise:
    resource_id: str
    amount: float
    excess: float


@dataclass(frozen=True)
class Cause:
    """A service carrying a share of a spike: its spend that day, its trailing median, and
    the resources whose spend rose most."""

    service: str
    amount: float
    median: float
    resources: tuple[ResourceRise, ...]

    @property
    def excess(self) -> float:
        return self.amount - self.median


def _rise(days: Sequence[float]) -> tuple[float, float]:
    """(the last day's spend, its trailing median) of `days` (the window, then the day)."""
    window = list(days[:-1]) or [0.0]
    return days[-1], statistics.median(window)


def causes(
    spike: Spike,
    services: Mapping[str, Sequence[float]],
    resources: Mapping[str, Mapping[str, Sequence[float]]],
) -> list[Cause]:
    """The services carrying at least `SERVICE_SHARE` of `spike`'s excess, largest first.
    `services` maps a service to its daily spend over the window and the day (the day last);
    `resources` maps a service to its resources' daily spend, the same way."""
    found: list[Cause] = []
    for service, days in services.items():
        amount, median = _rise(days)
        if amount - median < SERVICE_SHARE * spike.excess:
            continue
        rises = []
        for resource, rdays in resources.get(service, {}).items():
            ramount, rmedian = _rise(rdays)
            if ramount - rmedian > 0:
                rises.append(ResourceRise(resource, ramount, ramount - rmedian))
        rises.sort(key=lambda r: (-r.excess, r.resource_id))
        found.append(Cause(service, amount, median, tuple(rises[:TOP_RESOURCES])))
    found.sort(key=lambda c: (-c.excess, c.service))
    return found
