"""Cost Optimization Hub recommendations (SPEC section 7)."""
