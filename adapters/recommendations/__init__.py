"""Cost Optimization Hub exports: reading them (DuckDB) and a synthetic sample."""
