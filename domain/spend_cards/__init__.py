"""Spend cards (SPEC section 5): weekly periods, figures, the why, the state machine and the
plan of a generation run. Pure; the rules are written down in docs/spend-cards.md."""
