"""E-mail addresses: validated here, compared case-insensitively, `+` addressing kept distinct."""

from __future__ import annotations

import re

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,63}}$")


def is_valid_email(value: str) -> bool:
    return len(value) <= 254 and len(value.split("@", 1)[0]) <= 64 and bool(_EMAIL.match(value))


def email_key(value: str) -> str:
    """The form two addresses are compared in: `Ana@Corp.com` and `ana@corp.com` are one user,
    `ana+finops@corp.com` another."""
    return value.strip().casefold()
