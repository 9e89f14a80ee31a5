"""Allocation rules as plain tuples: what comparing two rule sets hashes
(`AllocationRules.rule_keys`, `domain/allocation/changes.py`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from operator import attrgetter
from typing import NamedTuple


class RuleKeys(NamedTuple):
    """`splits`: (account, start, budget, percent, end) per split line; `claims`: (account,
    resource, start, workload, budget, end) per claim span."""

    splits: frozenset[tuple[str, date, int, Decimal, date | None]]
    claims: frozenset[tuple[str, str, date, int, int, date | None]]


# every field of a rule, its owner and start first
SPLIT_KEY = attrgetter("account_id", "start", "budget_id", "percent", "end")
CLAIM_KEY = attrgetter("account_id", "resource_id", "start", "workload_id", "budget_id", "end")
