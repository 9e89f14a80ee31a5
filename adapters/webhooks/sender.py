"""Sending one outbound delivery: resolve the host, refuse forbidden addresses (server-side
request forgery), sign, POST with a 10 s timeout and no redirects."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import httpx

from adapters.security.signing import sign
from domain.webhooks.model import address_problem

TIMEOUT_SECONDS = 10.0


class DnsResolver:
    """The system resolver, off the event loop."""

    async def addresses(self, host: str) -> list[str]:
        try:
            ipaddress.ip_address(host)
            return [host]
        except ValueError:
            pass
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, None, type=socket.SOCK_STREAM
            )
        except OSError:
            return []
        return sorted({str(info[4][0]) for info in infos})


@dataclass(frozen=True)
class SendResult:
    status_code: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class HttpWebhookSender:
    def __init__(
        self,
        *,
        allow_private: bool,
        resolver: DnsResolver | None = None,
        timeout: float = TIMEOUT_SECONDS,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._allow_private = allow_private
        self._resolver = resolver or DnsResolver()
        self._timeout = timeout
        self._transport = transport

    async def send(
        self, *, url: str, secret: str, delivery_id: int, event_type: str, body: bytes, at: datetime
    ) -> SendResult:
        host = urlsplit(url).hostname or ""
        # checked again at each send: a name that resolved to a public address when it was
        # subscribed may point inside the network now
        found = await self._resolver.addresses(host)
        if not found:
            return SendResult(None, f"the host '{host}' does not resolve")
        for address in found:
            problem = address_problem(address, allow_private=self._allow_private)
            if problem:
                return SendResult(None, f"refused: {problem}")
        timestamp = str(int(at.timestamp()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "FinOps-Center-Webhooks/1",
            "X-Finops-Event": event_type,
            "X-Finops-Delivery": str(delivery_id),
            "X-Finops-Timestamp": timestamp,
            "X-Finops-Signature": sign(secret, timestamp, body),
        }
        try:
            async with httpx.AsyncClient(
                timeout=self._timeout, follow_redirects=False, transport=self._transport
            ) as client:
                response = await client.post(url, content=body, headers=headers)
        except httpx.TimeoutException:
            return SendResult(None, f"no answer within {self._timeout:g} s")
        except httpx.HTTPError as exc:
            return SendResult(None, f"{exc.__class__.__name__}: {exc}"[:1000])
        if 200 <= response.status_code < 300:
            return SendResult(response.status_code, None)
        return SendResult(response.status_code, f"answered {response.status_code}")
