"""Rules of the code's shape that a review would otherwise have to remember."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CLOCK_ADAPTER = REPO / "adapters" / "clock.py"
# Reading the wall clock directly: `date.today()`, `datetime.now()`, `datetime.utcnow()`,
# `datetime.today()`.
WALL_CLOCK_CALLS = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
}


def wall_clock_reads(path: Path) -> list[int]:
    """Lines of `path` that read the wall clock instead of asking a `Clock`."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
            if (name, node.func.attr) in WALL_CLOCK_CALLS:
                lines.append(node.lineno)
    return lines


def source_files() -> list[Path]:
    return sorted(p for top in ("api", "domain", "adapters") for p in (REPO / top).rglob("*.py"))


class TestOneClock:
    def test_only_the_clock_adapter_reads_the_wall_clock(self):
        files = source_files()
        assert len(files) > 50, "source tree not found"
        offenders = {
            str(path.relative_to(REPO)): lines
            for path in files
            if path != CLOCK_ADAPTER and (lines := wall_clock_reads(path))
        }
        assert offenders == {}

    def test_the_check_sees_every_form(self, tmp_path):
        bad = tmp_path / "bad.py"
        bad.write_text(
            "import datetime as dt\nfrom datetime import date, datetime\n"
            "a = date.today()\nb = datetime.now(UTC)\nc = dt.datetime.utcnow()\n"
            "d = dt.date.today()\ne = clock.today()\n"
        )
        assert wall_clock_reads(bad) == [3, 4, 5, 6]
