"""The demo's anomalies: detected once the splits and claims are in place (the demo's CUR
refresh ran before any account was split, so it found no budget spend to judge). The load test
of 12 August on Checkout's account shows on Checkout and Catalog Service."""

from __future__ import annotations

from api.container import Container
from api.jobs import detect_anomalies


async def demo_anomalies(container: Container) -> None:
    await detect_anomalies(container)
