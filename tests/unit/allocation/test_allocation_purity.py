"""domain/allocation imports only the standard library and other domain modules."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ALLOCATION = Path(__file__).resolve().parents[3] / "domain" / "allocation"


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_allocation_imports_only_stdlib_and_domain() -> None:
    allowed = set(sys.stdlib_module_names) | {"domain", "__future__"}
    files = sorted(ALLOCATION.glob("*.py"))
    assert files, "domain/allocation not found"
    offenders = {p.name: sorted(imported_roots(p) - allowed) for p in files}
    assert {name: roots for name, roots in offenders.items() if roots} == {}


def test_the_check_sees_a_third_party_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from decimal import Decimal\nimport duckdb\n")
    assert imported_roots(bad) - set(sys.stdlib_module_names) == {"duckdb"}
