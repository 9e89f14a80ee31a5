"""The demo's integrations: a service account for a nightly export with its tokens (one in
use, one revoked), and a webhook subscription for the team's chat (paused: the demo has no
receiver to send to)."""

from __future__ import annotations

from adapters.db.uow import UnitOfWork
from api.container import Container
from domain.audit import Actor
from domain.identity import service_accounts
from domain.identity.roles import Role
from domain.identity.users import SERVICE_KIND
from domain.webhooks import service as webhooks

DEMO_SERVICE_ACCOUNT = "Nightly FP&A export"
DEMO_WEBHOOK_URL = "https://hooks.example.com/finops-demo"
DEMO_WEBHOOK_EVENTS = ("schedule.submitted", "schedule.approved", "close.closed")


class _DemoResolver:
    """The demo does not depend on DNS: its made-up receiver resolves to a public address."""

    async def addresses(self, host: str) -> list[str]:
        return ["93.184.215.14"] if host == "hooks.example.com" else []


async def demo_integrations(container: Container) -> None:
    """Idempotent: nothing is added once the demo's service account exists."""
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session)
        _, existing = await uow.users.list(kind=SERVICE_KIND, q=DEMO_SERVICE_ACCOUNT)
        if existing:
            return
        admin = await uow.users.get_by_email("admin@demo.finops")
        assert admin is not None
        actor = Actor(admin.id, admin.email)
        account = await service_accounts.create_service_account(
            uow, actor, name=DEMO_SERVICE_ACCOUNT, role=Role.VENDOR_MANAGER.value, node_ids=[]
        )
        old, _ = await service_accounts.issue_token(
            uow,
            container.clock,
            actor,
            account_id=account.id,
            name="laptop test",
            expires_in_days=7,
        )
        await service_accounts.issue_token(
            uow,
            container.clock,
            actor,
            account_id=account.id,
            name="cron on billing-01",
            expires_in_days=90,
        )
        await service_accounts.revoke_token(
            uow, container.clock, actor, account_id=account.id, token_id=old.id
        )
        subscription, _ = await webhooks.subscribe(
            uow,
            container.clock.now(),
            actor,
            _DemoResolver(),
            url=DEMO_WEBHOOK_URL,
            events=DEMO_WEBHOOK_EVENTS,
            secret=None,
            allow_private=False,
        )
        await webhooks.set_active(uow, actor, subscription.id, False)
        await uow.commit()
