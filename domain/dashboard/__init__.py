"""The dashboard's reads: the heat map with its drill-down, spend by month, spend by service."""
