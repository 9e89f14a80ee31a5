"""The domain stays pure: every module under domain/ imports only the standard library and
other domain modules (no sqlalchemy, fastapi, pydantic, duckdb, boto3, …)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
ALLOWED = set(sys.stdlib_module_names) | {"domain", "__future__"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_domain_imports_only_the_standard_library_and_itself():
    files = sorted(DOMAIN.rglob("*.py"))
    assert len(files) > 20, "domain/ not found"
    offenders = {
        str(path.relative_to(DOMAIN.parent)): sorted(imported_roots(path) - ALLOWED)
        for path in files
        if imported_roots(path) - ALLOWED
    }
    assert offenders == {}


def test_the_check_sees_an_offender(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom sqlalchemy import select\nimport duckdb.typing\n")
    assert imported_roots(bad) - ALLOWED == {"sqlalchemy", "duckdb"}
