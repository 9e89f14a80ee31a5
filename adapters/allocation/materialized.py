"""Materialized allocations: each billing period allocated once per (CUR delivery, rules
version, cost basis) and reused until one of them changes, so dashboard reads never recompute.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from adapters.allocation import incremental
from adapters.allocation.engine import DuckDBAllocationEngine
from adapters.allocation.engines import AllocationEngine, build_allocation_engine
from adapters.clock import utc_now
from adapters.cur.store import CurStore
from domain.allocation.rules import AllocationRules, CostBasis
from domain.errors import RuleViolation, Unavailable
from domain.spend.models import BillingPeriod

log = logging.getLogger("finops.allocation")

SUMMARY_LAYOUT = "2"
_CLAIM_FIELD = re.compile(r"^claims\[(\d+)\]")


def without_clashing_claims(rules: AllocationRules, problem: RuleViolation) -> AllocationRules:
    """The rules less every claim of a resource named in `problem`: until the clash is resolved
    such a resource follows its account split. Raises RuleViolation when what is left is still
    inconsistent (a split problem cannot be worked around)."""
    named = {
        (rules.claims[int(m.group(1))].account_id, rules.claims[int(m.group(1))].resource_id)
        for e in problem.errors
        if (m := _CLAIM_FIELD.match(e.field or ""))
    }
    kept = [c for c in rules.claims if (c.account_id, c.resource_id) not in named]
    return AllocationRules(rules.splits, kept, rules.discounts).validate()


@dataclass(frozen=True)
class AllocationProblem:
    """The rules met by a read are inconsistent: what it was, for which rules version, and the
    correlation id of the request that met it (also in the log)."""

    message: str
    details: tuple[str, ...]
    rules_version: int
    correlation_id: str | None
    at: datetime


@dataclass(frozen=True)
class Materialized:
    period: str
    folder: Path


class AllocatedSpend:
    def __init__(
        self,
        cur: CurStore,
        root: Path,
        *,
        basis: CostBasis = CostBasis.UNBLENDED,
        engine: AllocationEngine | None = None,
    ):
        """`engine`: the allocation engine (default: DuckDB's, in process)."""
        self.cur = cur
        self.root = root
        self.basis = basis
        (root / ".tmp").mkdir(parents=True, exist_ok=True)
        self.engine = engine or build_allocation_engine("duckdb", temp_dir=root / ".tmp")
        self._lock = threading.Lock()
        # per period, the key and the rules of the allocation this process last wrote: the
        # next rule change patches it incrementally while the folder still holds that one
        self._applied: dict[str, tuple[dict[str, str], AllocationRules]] = {}
        # the inconsistency the last allocation met, None while the rules are sound
        self.problem: AllocationProblem | None = None

    def close(self) -> None:
        self.engine.close()

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        # flock is per open file: the thread lock orders this process's callers, the file
        # lock the other processes'
        with self._lock, open(self.root / ".lock", "a+") as lock_file:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)

    def _key(self, delivered: BillingPeriod, rules_version: int) -> dict[str, str]:
        return {
            "period": delivered.period,
            "refreshed_at": delivered.refreshed_at.isoformat(),
            "rules_version": str(rules_version),
            "basis": self.basis.value,
            # a switch of engine allocates again: the figures are the same (the exact-match
            # tests), but `engine` in meta.json must say who made the files
            "engine": self.engine.name,
            # the summary's layout: a summary written before `account_service` rows existed
            # is allocated again once
            "summary": SUMMARY_LAYOUT,
        }

    def fresh(self, periods: Sequence[str], rules_version: int) -> list[str]:
        """The periods whose materialized allocation is missing or out of date."""
        delivered = {p.period: p for p in self.cur.billing_periods()}
        return self.stale_of([delivered[p] for p in periods], rules_version)

    def stale_of(self, periods: Sequence[BillingPeriod], rules_version: int) -> list[str]:
        """Those of `periods` (as the CUR store delivered them) whose materialized allocation
        is missing or was made for another delivery, rules version or cost basis."""
        stale = []
        for delivered in periods:
            meta = self.root / delivered.period / "meta.json"
            if not meta.is_file() or json.loads(meta.read_text()) != self._key(
                delivered, rules_version
            ):
                stale.append(delivered.period)
        return stale

    def ensure(
        self,
        periods: Sequence[str],
        rules: AllocationRules,
        rules_version: int,
        *,
        correlation_id: str | None = None,
    ) -> list[Materialized]:
        """Allocate what is stale; return every period's folder. Serialized across threads
        and across processes (the server's workers share the folder): two recomputes of one
        period interleaving could pair one run's summary with the other's key.

        Inconsistent rules never take reads down: a period allocated before keeps its last
        consistent allocation; one never allocated is allocated without the clashing claims.
        Either way `problem` says so (for Financial Admins) and the log has it once per rules
        version. Raises Unavailable (naming nothing) only when no allocation can be made."""
        with self._exclusive():
            delivered = {p.period: p for p in self.cur.billing_periods()}
            stale = self.stale_of([delivered[p] for p in periods], rules_version)
            if stale:
                try:
                    rules.validate()
                    self.problem = None
                except RuleViolation as exc:
                    self._record(exc, rules_version, correlation_id)
                    stale = [p for p in stale if not (self.root / p / "meta.json").is_file()]
                    if stale:
                        try:
                            rules = without_clashing_claims(rules, exc)
                        except RuleViolation:
                            raise Unavailable(
                                "spend cannot be allocated until a Financial Admin resolves "
                                "an allocation rule problem"
                            ) from None
            for period in stale:
                folder = self.root / period
                key = self._key(delivered[period], rules_version)
                if not self._patched(period, folder, key, rules):
                    result = self.engine.allocate(
                        self.cur.daily_costs(period), rules, basis=self.basis, out_dir=folder
                    )
                    if isinstance(self.engine, DuckDBAllocationEngine):
                        # the figures the next change adds its own to
                        incremental.remember_run(self.engine, folder, result)
                    # what the next rule change compares with, derived now rather than
                    # while a user waits for the change to show
                    rules.rule_keys()
                    rules.by_account()
                meta = folder / "meta.json"
                tmp = folder / ".meta.json.tmp"
                tmp.write_text(json.dumps(key))
                tmp.replace(meta)
                self._applied[period] = (key, rules)
        return [Materialized(p, self.root / p) for p in periods]

    def _patched(
        self, period: str, folder: Path, key: dict[str, str], rules: AllocationRules
    ) -> bool:
        """Reallocate `period` incrementally when the folder holds what this process last
        wrote there and only the rules changed since (same delivery and cost basis); False
        when a full run is needed: after a restart, another worker's run, a new delivery, a
        change of the discounts, or a failure (logged)."""
        applied = self._applied.pop(period, None)
        # the patch reads the line counts DuckDB's full runs write next to the summary
        if applied is None or not isinstance(self.engine, DuckDBAllocationEngine):
            return False
        before, old_rules = applied
        meta = folder / "meta.json"
        unchanged = {k: v for k, v in key.items() if k != "rules_version"}
        if {k: v for k, v in before.items() if k != "rules_version"} != unchanged:
            return False
        try:
            if not meta.is_file() or json.loads(meta.read_text()) != before:
                return False
            done = incremental.reallocate(
                self.engine,
                self.cur.daily_costs(period),
                old_rules,
                rules,
                basis=self.basis,
                out_dir=folder,
            )
        except Exception:
            log.exception("incremental reallocation of %s failed; allocating in full", period)
            return False
        return done is not None

    def _record(self, exc: RuleViolation, rules_version: int, correlation_id: str | None) -> None:
        if self.problem is not None and self.problem.rules_version == rules_version:
            return
        details = tuple(e.message for e in exc.errors)
        self.problem = AllocationProblem(
            exc.message, details, rules_version, correlation_id, utc_now()
        )
        log.error(
            "allocation rules version %s are inconsistent; serving the last consistent "
            "allocation: %s",
            rules_version,
            "; ".join(details),
            extra={"correlation_id": correlation_id},
        )
