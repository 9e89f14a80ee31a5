"""Reports over approved budgets: the variance report by product (SPEC section 9) and the FP&A
"approved spending by budget" file of month close (SPEC section 8)."""
