from __future__ import annotations

import duckdb

from adapters.allocation.focus import _escaped


def test_csv_text_cells_that_could_run_as_formulas_are_prefixed():
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE focus AS SELECT * FROM (VALUES ('=1+2', 1), ('+A1', 2), ('-x', 3), "
        "('@SUM', 4), ('plain', 5), (NULL, 6)) t(x_Product, BilledCost)"
    )
    rows = con.execute(
        f"SELECT {_escaped(['x_Product', 'BilledCost'], {'x_Product'})} FROM focus ORDER BY 2"
    ).fetchall()
    assert [r[0] for r in rows] == ["'=1+2", "'+A1", "'-x", "'@SUM", "plain", None]
    assert [r[1] for r in rows] == [1, 2, 3, 4, 5, 6]
