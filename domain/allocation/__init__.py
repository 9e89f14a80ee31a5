"""Allocation: which budget holds each part of the AWS spend (SPEC section 3)."""
