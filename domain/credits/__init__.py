"""Credits (SPEC section 6): AWS credits recorded against budgets and applied at month close."""
