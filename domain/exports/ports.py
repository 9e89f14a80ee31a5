from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from domain.allocation.rules import AllocationRules
from domain.exports.focus import BudgetLabel, FocusRequest


class FocusExporter(Protocol):
    async def export(
        self,
        request: FocusRequest,
        rules: AllocationRules,
        budgets: Sequence[BudgetLabel],
        out: Path,
    ) -> int:
        """Write the period's allocated cost as FOCUS 1.2 to `out`; the number of rows."""
        ...
