"""The claims the allocation rules are built from are read as columns (`_CLAIM_COLUMNS`),
positionally into `Claim`: the statement's columns must follow the dataclass's fields."""

from __future__ import annotations

from dataclasses import fields

from adapters.db.allocation import _CLAIM_COLUMNS
from domain.allocation.workloads import Claim


def test_the_claim_columns_follow_the_claim_fields() -> None:
    assert [c.name for c in _CLAIM_COLUMNS.selected_columns] == [f.name for f in fields(Claim)]
