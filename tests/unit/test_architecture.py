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


ROUTERS = REPO / "api" / "routers"
# Layers a router reaches only through a service (repositories, engines, the CUR store).
ADAPTERS_BEHIND_SERVICES = ("adapters.db", "adapters.allocation", "adapters.cur")


def adapter_imports(path: Path) -> list[str]:
    """The repository / engine modules `path` imports directly."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found += [
            n
            for n in names
            if any(n == p or n.startswith(p + ".") for p in ADAPTERS_BEHIND_SERVICES)
        ]
    return found


class TestRoutersCallServices:
    def test_no_router_imports_a_repository_or_engine(self):
        routers = sorted(ROUTERS.glob("*.py"))
        assert len(routers) > 5, "routers not found"
        offenders = {p.name: names for p in routers if (names := adapter_imports(p))}
        assert offenders == {}

    def test_the_check_sees_every_form(self, tmp_path):
        bad = tmp_path / "bad.py"
        bad.write_text(
            "import adapters.db.uow\nfrom adapters.allocation.engine import X\n"
            "from adapters.cur import store\nfrom adapters.logging import request_id_var\n"
            "from api.deps import UoW\nfrom adapters.dbx import y\n"
        )
        assert adapter_imports(bad) == [
            "adapters.db.uow",
            "adapters.allocation.engine",
            "adapters.cur",
        ]
