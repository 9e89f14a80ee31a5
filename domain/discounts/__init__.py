"""Negotiated discounts (SPEC section 3): a configured percent off gross prices, effective-dated,
applied by the allocation engine only where the CUR carries no discount line."""
