"""The allocation engine (DuckDB) and its SQL."""
