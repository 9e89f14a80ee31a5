"""Anomaly detection, after each CUR refresh: every budget's daily allocated spend is judged
against its trailing weeks (`domain.forecasts.anomalies`), each spike recorded per service that
carried it with the resources that caused it, the budget's owners told once per spike and the
outbound webhook subscribers once per new anomaly (`anomaly.detected`). Idempotent: a second
run with the same spend changes nothing and tells no one again."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from domain.events import OutboundEvent
from domain.forecasts.anomalies import WINDOW_DAYS, Spike, causes, spikes
from domain.forecasts.ports import (
    DailySpendReader,
    ForecastUnitOfWork,
    NewAnomaly,
    ResourceCause,
    SpendLine,
)
from domain.periods import period_key
from domain.ports import Clock
from domain.scope import ResolvedScope
from domain.spend.ports import SpendStore
from domain.spend.queries import ensure_allocated

CENT = Decimal("0.01")


def cents(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DetectionResult:
    added: int
    updated: int
    removed: int


async def year_series(
    reader: DailySpendReader,
    periods: Sequence[str],
    budget_ids: frozenset[int] | None,
    *,
    year: int,
    last: date,
) -> tuple[date, dict[int, list[float]]]:
    """The budgets' daily spend of `year` up to `last` (dense, from 1 January)."""
    first = date(year, 1, 1)
    mine = [p for p in periods if p.startswith(f"{year:04d}-")]
    if not mine or last < first:
        return first, {}
    return first, await reader.daily(mine, budget_ids, first, min(last, date(year, 12, 31)))


def _dense(lines: Sequence[SpendLine], start: date, days: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = defaultdict(lambda: [0.0] * days)
    for line in lines:
        index = (line.day - start).days
        if 0 <= index < days:
            out[line.service or "(no service)"][index] += line.amount
    return out


def _anomalies(budget_id: int, spike: Spike, lines: Sequence[SpendLine]) -> list[NewAnomaly]:
    start = spike.day - timedelta(days=WINDOW_DAYS)
    days = WINDOW_DAYS + 1
    services = _dense(lines, start, days)
    per_service: dict[str, list[SpendLine]] = defaultdict(list)
    for line in lines:
        if line.resource_id:
            per_service[line.service or "(no service)"].append(line)
    resources = {}
    for service, mine in per_service.items():
        by_resource: dict[str, list[float]] = defaultdict(lambda: [0.0] * days)
        for line in mine:
            index = (line.day - start).days
            if 0 <= index < days:
                by_resource[line.resource_id][index] += line.amount
        resources[service] = dict(by_resource)
    return [
        NewAnomaly(
            budget_id=budget_id,
            day=spike.day,
            service=cause.service,
            total=cents(spike.total),
            median=cents(spike.median),
            service_amount=cents(cause.amount),
            service_median=cents(cause.median),
            resources=tuple(
                ResourceCause(r.resource_id, cents(r.amount), cents(r.excess))
                for r in cause.resources
            ),
        )
        for cause in causes(spike, services, resources)
    ]


@dataclass(frozen=True)
class Findings:
    """What one detection run found: every anomaly by its key, and the budgets' names."""

    found: dict[tuple[int, date, str], NewAnomaly]
    names: dict[int, str]


async def detect_anomalies(
    uow: ForecastUnitOfWork, clock: Clock, store: SpendStore, reader: DailySpendReader
) -> DetectionResult:
    """Judge every budget's days, record what changed and tell the owners of new spikes (both
    halves in one unit of work; the job runs them in two, see `find_anomalies`)."""
    findings = await find_anomalies(uow, store, reader)
    if findings is None:
        return DetectionResult(0, 0, 0)
    return await record_anomalies(uow, clock, findings)


# Judging a budget's year of days costs about 2.5 ms of pure Python; a detection judges every
# budget (2,000 at scale: 5 s) inside a serving worker, after each CUR refresh. Giving the event
# loop a turn every few budgets keeps the worker answering requests meanwhile (the webhook's
# acknowledgement waited 4 s at p99 while it ran in one stretch).
JUDGED_BETWEEN_TURNS = 8


async def _give_way() -> None:
    await asyncio.sleep(0)


async def judge_days(series: dict[int, list[float]], first: date) -> dict[int, list[Spike]]:
    """Each budget's spikes (those with any), judged a few budgets per turn of the event loop."""
    spiky: dict[int, list[Spike]] = {}
    for n, (budget_id, days) in enumerate(series.items(), start=1):
        if found_spikes := spikes(days, first):
            spiky[budget_id] = found_spikes
        if n % JUDGED_BETWEEN_TURNS == 0:
            await _give_way()
    return spiky


async def find_anomalies(
    uow: ForecastUnitOfWork, store: SpendStore, reader: DailySpendReader
) -> Findings | None:
    """The reading half of a detection: allocate what is stale and judge every budget's days.
    It writes nothing to the database, so it can run on a read-only snapshot while the slow
    part (an allocation, minutes on Spark) runs; None when there is no spend to judge yet (then
    nothing recorded is touched)."""
    available = await store.billing_periods()
    if not available:
        return None
    await ensure_allocated(uow, store, available)
    periods = [p.period for p in available]
    last = await reader.last_day(periods)
    if last is None:
        return None
    budgets = await uow.budgets.list_budgets(ResolvedScope.everything())
    names = {b.id: b.path[3] for b in budgets}
    found: dict[tuple[int, date, str], NewAnomaly] = {}
    for year in sorted({b.year for b in budgets}):
        ids = frozenset(b.id for b in budgets if b.year == year)
        first, series = await year_series(reader, periods, ids, year=year, last=last)
        spiky = await judge_days(series, first)
        if not spiky:
            continue
        months = sorted(
            {
                period_key(spike.day - timedelta(days=back))
                for found_spikes in spiky.values()
                for spike in found_spikes
                for back in (0, WINDOW_DAYS)
            }
            & set(periods)
        )
        lines = await reader.lines(months, frozenset(spiky))
        by_budget: dict[int, list[SpendLine]] = defaultdict(list)
        for line in lines:
            by_budget[line.budget_id].append(line)
        for n, (budget_id, found_spikes) in enumerate(spiky.items(), start=1):
            for spike in found_spikes:
                for anomaly in _anomalies(budget_id, spike, by_budget[budget_id]):
                    found[anomaly.key] = anomaly
            if n % JUDGED_BETWEEN_TURNS == 0:
                await _give_way()
    return Findings(found, names)


async def record_anomalies(
    uow: ForecastUnitOfWork, clock: Clock, findings: Findings
) -> DetectionResult:
    """The writing half: reconcile the recorded anomalies with `findings`, tell the owners
    of new spikes and the webhook subscribers of new anomalies."""
    found, names = findings.found, findings.names
    existing = await uow.anomalies.keys()
    new = [a for k, a in sorted(found.items()) if k not in existing]
    changed = [a for k, a in sorted(found.items()) if k in existing and existing[k] != a]
    gone = sorted(k for k in existing if k not in found)
    await uow.anomalies.add(new, clock.now())
    await uow.anomalies.update(changed)
    await uow.anomalies.remove(gone)
    await _notify(uow, new, names)
    for anomaly in new:
        uow.publish(anomaly_detected(anomaly, names.get(anomaly.budget_id)))
    return DetectionResult(len(new), len(changed), len(gone))


async def _notify(
    uow: ForecastUnitOfWork, new: Sequence[NewAnomaly], names: dict[int, str]
) -> None:
    """One notice per new spike (budget and day), to the budget's Product and Portfolio
    Owners."""
    spikes_: dict[tuple[int, date], list[NewAnomaly]] = defaultdict(list)
    for anomaly in new:
        spikes_[(anomaly.budget_id, anomaly.day)].append(anomaly)
    for (budget_id, day), found in sorted(spikes_.items()):
        users = set(await uow.schedules.owners(budget_id)) | set(
            await uow.schedules.deciders(budget_id)
        )
        head = found[0]
        services = ", ".join(a.service for a in found)
        message = (
            f"Spend anomaly on {names.get(budget_id, f'budget {budget_id}')}: "
            f"{day.isoformat()} spent {head.total:,.2f} against a usual {head.median:,.2f} "
            f"(services: {services})"
        )
        await uow.notifications.notify(
            sorted(users),
            "anomaly",
            message,
            f"/budgets/{budget_id}",
            budget_id=budget_id,
            subject=f"anomaly:{budget_id}:{day.isoformat()}",
        )


def anomaly_detected(anomaly: NewAnomaly, budget_name: str | None) -> OutboundEvent:
    """The outbound event of a newly recorded anomaly: its key (budget, day, service) is its
    id, which stays the same when a later run detects it again (and raises nothing)."""
    return OutboundEvent(
        type="anomaly.detected",
        object_type="anomaly",
        object_id=f"{anomaly.budget_id}:{anomaly.day.isoformat()}:{anomaly.service}",
        actor_id=None,
        actor_email="anomaly detection",
        data={
            "budget_id": anomaly.budget_id,
            "budget_name": budget_name,
            "day": anomaly.day.isoformat(),
            "service": anomaly.service,
            # the service's spend that day against its usual day (median of the trailing window)
            "amount": str(anomaly.service_amount),
            "expected": str(anomaly.service_median),
            # the whole budget's day, of which this service is a cause
            "budget_total": str(anomaly.total),
            "budget_expected": str(anomaly.median),
            "resources": [
                {"resource_id": r.resource_id, "amount": str(r.amount), "excess": str(r.excess)}
                for r in anomaly.resources
            ],
        },
    )
