"""Exports of allocated cost in open formats: FOCUS 1.2 (SPEC section 10)."""
