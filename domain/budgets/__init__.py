"""Budgets: the chart of accounts, budget versions, load planning, rollup and scope.

Pure Python (standard library and `domain` only). Modules: `money`, `text`, `model`,
`filename`, `chart`, `versions`, `loading`, `rollup`, `scope`.
"""
