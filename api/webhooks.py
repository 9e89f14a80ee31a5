"""Signature checks of incoming webhooks (the scheme lives in `adapters/security/signing.py`,
shared with the outbound event webhooks)."""

from adapters.security.signing import MAX_AGE_SECONDS, check_headers, sign, verify

__all__ = ["MAX_AGE_SECONDS", "check_headers", "sign", "verify"]
