"""Outbound event webhooks: which events exist, which audited changes raise them, where a
delivery may be sent, and when a failed one is tried again."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from domain.audit import AuditEntry
from domain.events import OutboundEvent

#: Every event type a subscription may name, with what it tells.
EVENT_TYPES: dict[str, str] = {
    "schedule.submitted": "a Product Owner submitted a budget's schedule for approval",
    "schedule.approved": "a schedule was approved",
    "schedule.rejected": "a schedule was rejected",
    "schedule.reschedule_requested": "a reschedule of an approved schedule was requested",
    "schedule.reschedule_granted": "a reschedule was granted (the schedule is editable again)",
    "schedule.reschedule_declined": "a reschedule was declined",
    "spend_card.created": "weekly spend cards were generated",
    "spend_card.accepted": "a Product Owner accepted a spend card",
    "spend_card.disputed": "a Product Owner disputed a spend card",
    "spend_card.approved": "a Portfolio Owner approved a spend card",
    "spend_card.rejected": "a Portfolio Owner rejected a spend card",
    "spend_card.resolved": "a disputed spend card was resolved",
    "recommendation.approved": "a cost recommendation was approved for implementation",
    "recommendation.implemented": "a Cloud Engineer implemented an approved recommendation",
    "anomaly.detected": "anomaly detection recorded a new spike of a budget's daily spend "
    "(one event per service that carried it)",
    "close.closed": "a month was closed (its files are final)",
    "close.reopened": "a closed month was reopened",
    "cur.period_final": "a CUR refresh read a final billing period (it carries an invoice id)",
}

#: The audited actions that raise an event: every state change is audited, so the outbound
#: events follow the audit trail instead of each use case publishing them by hand.
_BY_AUDIT_ACTION: dict[str, str] = {
    "schedule.submit": "schedule.submitted",
    "schedule.approve": "schedule.approved",
    "schedule.reject": "schedule.rejected",
    "schedule.request-reschedule": "schedule.reschedule_requested",
    "schedule.grant-reschedule": "schedule.reschedule_granted",
    "schedule.decline-reschedule": "schedule.reschedule_declined",
    "spend_card.accept": "spend_card.accepted",
    "spend_card.dispute": "spend_card.disputed",
    "spend_card.approve": "spend_card.approved",
    "spend_card.reject": "spend_card.rejected",
    "spend_card.resolve": "spend_card.resolved",
    "recommendation.approve": "recommendation.approved",
    "recommendation.implement": "recommendation.implemented",
    "close.close": "close.closed",
    "close.reopen": "close.reopened",
}

MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)
LEASE = timedelta(minutes=5)


def outbound_event_of(entry: AuditEntry) -> OutboundEvent | None:
    """The event an audited change raises, if any."""
    kind = _BY_AUDIT_ACTION.get(entry.action)
    if entry.action == "spend_card.generate" and (entry.after or {}).get("created"):
        kind = "spend_card.created"
    if kind is None:
        return None
    data = {"before": entry.before, "after": entry.after, "details": entry.details or {}}
    return OutboundEvent(
        type=kind,
        object_type=entry.entity_type,
        object_id=entry.entity_id,
        actor_id=entry.actor.user_id,
        actor_email=entry.actor.email,
        data=data,
    )


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s, doubling, at most 6 h."""
    delay: timedelta = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(delay, LONGEST_RETRY)


@dataclass(frozen=True)
class Outcome:
    """What happens to a delivery after an attempt."""

    status: str  # delivered | pending | dead
    next_attempt_at: datetime | None


def after_attempt(*, ok: bool, attempts: int, now: datetime) -> Outcome:
    """`attempts` counts the attempt just made."""
    if ok:
        return Outcome("delivered", None)
    if attempts >= MAX_ATTEMPTS:
        return Outcome("dead", None)
    return Outcome("pending", now + retry_delay(attempts))


def url_problem(url: str, *, allow_private: bool) -> str | None:
    """Why `url` cannot be subscribed (before its host is resolved), or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        return "not a valid URL"
    allowed = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed:
        return "must be an https URL" + ("" if allow_private else " (http is not allowed)")
    if not parts.hostname:
        return "has no host"
    if parts.username or parts.password:
        return "must not carry credentials; sign with the subscription secret instead"
    return None


def address_problem(address: str, *, allow_private: bool) -> str | None:
    """Why a delivery must not go to `address` (server-side request forgery), or None."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified or ip.is_multicast:
        return f"{ip} is not a host address"
    if allow_private:
        return None
    if ip.is_loopback:
        return f"{ip} is a loopback address"
    if ip.is_link_local:
        return f"{ip} is a link-local address (cloud metadata lives there)"
    if ip.is_private or ip.is_reserved or not ip.is_global:
        return f"{ip} is a private or reserved address"
    return None
