"""Signature checks of incoming webhooks: HMAC-SHA256 over `timestamp + "." + raw body`."""

from __future__ import annotations

import hashlib
import hmac
import time

from domain.errors import Unauthenticated

MAX_AGE_SECONDS = 300


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    *,
    now: float | None = None,
) -> None:
    if not secret:
        raise Unauthenticated("webhooks are not configured (FINOPS_WEBHOOK_SECRET is unset)")
    if not timestamp or not signature:
        raise Unauthenticated("missing X-Finops-Timestamp or X-Finops-Signature")
    try:
        sent = int(timestamp)
    except ValueError:
        raise Unauthenticated("X-Finops-Timestamp must be Unix seconds") from None
    if abs((now if now is not None else time.time()) - sent) > MAX_AGE_SECONDS:
        raise Unauthenticated("the signature is older than 5 minutes")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature.strip()):
        raise Unauthenticated("bad signature")
