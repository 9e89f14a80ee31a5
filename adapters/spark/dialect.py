"""The allocation SQL is written once, in `adapters/allocation/sql.py` (DuckDB's dialect), and
rendered for Spark here with sqlglot: literals, casts, `%`, GROUPING SETS and the default
placement of NULLs in ORDER BY (last on DuckDB, first on Spark) are translated, so the two
engines run the same statement. Table names are rewritten to the run's own temporary views,
so parallel runs on one session never see each other's rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import sqlglot
from sqlglot import exp


def to_spark(
    sql: str,
    tables: Mapping[str, str] | None = None,
    *,
    transform: Callable[[exp.Expression], exp.Expression] | None = None,
) -> str:
    """`sql` (DuckDB's dialect) as Spark SQL, with the tables of `tables` renamed and
    `transform` applied to every node (an engine-specific rewrite)."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    if tables:
        tree = tree.transform(lambda node: _rename(node, tables))
    if transform is not None:
        tree = tree.transform(transform)
    return tree.sql(dialect="spark")


def _rename(node: exp.Expression, tables: Mapping[str, str]) -> exp.Expression:
    if isinstance(node, exp.Table) and not node.args.get("db") and node.name in tables:
        return exp.Table(this=exp.to_identifier(tables[node.name]), alias=node.args.get("alias"))
    return node
