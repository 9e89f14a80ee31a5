"""HMAC-SHA256 signatures over `timestamp + "." + raw body`: the inbound CUR webhook verifies
them, the outbound event webhooks sign with them (one scheme, one implementation)."""

from __future__ import annotations

import hashlib
import hmac
import re
import time

from domain.errors import Unauthenticated

MAX_AGE_SECONDS = 300
_UNIX_SECONDS = re.compile(r"\d{1,12}")
_SIGNATURE = re.compile(r"sha256=[0-9a-f]{64}")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def check_headers(
    secret: str,
    timestamp: str | None,
    signature: str | None,
    *,
    now: float | None = None,
) -> None:
    """Everything that can be checked before the body is read: a configured secret, both
    headers present and well formed, and a fresh timestamp. An unauthenticated caller is
    refused here without the server reading (or buffering) what it sends."""
    if not secret:
        raise Unauthenticated("webhooks are not configured (FINOPS_WEBHOOK_SECRET is unset)")
    if not timestamp or not signature:
        raise Unauthenticated("missing X-Finops-Timestamp or X-Finops-Signature")
    if not _UNIX_SECONDS.fullmatch(timestamp.strip()):
        raise Unauthenticated("X-Finops-Timestamp must be Unix seconds")
    if not _SIGNATURE.fullmatch(signature.strip()):
        raise Unauthenticated("X-Finops-Signature must be sha256=<64 hex digits>")
    if abs((now if now is not None else time.time()) - int(timestamp)) > MAX_AGE_SECONDS:
        raise Unauthenticated("the signature is older than 5 minutes")


def verify(
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    *,
    now: float | None = None,
) -> None:
    check_headers(secret, timestamp, signature, now=now)
    sent, claimed = (timestamp or "").strip(), (signature or "").strip()
    if not hmac.compare_digest(sign(secret, sent, body), claimed):
        raise Unauthenticated("bad signature")
