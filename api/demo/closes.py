"""The demo's month closes."""

from __future__ import annotations

from adapters.db.uow import UnitOfWork
from adapters.files.csv_codec import csv_bytes
from api.container import Container
from api.demo.org import DEMO_DEFAULT_BUSINESS_UNIT, DEMO_USERS, DEMO_YEAR
from domain.audit import Actor
from domain.close import service as closes
from domain.close.fpa import close_files
from domain.close.model import Checklist
from domain.close.service import CloseSettings


async def demo_closes(container: Container) -> None:
    """The first final month closed (closed, reopened by the Admin for a late refund, closed
    again with the same files), and the next one with its checklist half filled."""
    final = [p for p in await container.close_figures.billing_periods() if p.finalized]
    if not final:
        return
    settings = CloseSettings(
        container.settings.default_business_unit or None, container.settings.currency
    )
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session)
        admin = await uow.users.get_by_email(DEMO_USERS[0][1])
        vendor = await uow.users.get_by_email(DEMO_USERS[2][1])
        assert admin is not None
        assert vendor is not None
        first = final[0]
        await closes.save_checklist(
            uow,
            container.clock,
            vendor,
            period=first.period,
            checklist=Checklist(
                "Amazon Web Services, Inc.",
                f"PO-{DEMO_YEAR}-0001",
                first.invoice_ids,
                f"AWS bill {first.period}, cloud platform services",
                DEMO_DEFAULT_BUSINESS_UNIT,
            ),
            version=0,
        )

        async def close() -> None:
            await closes.close_period(
                uow,
                container.clock,
                vendor,
                container.close_figures,
                container.credit_ledger(uow, container.clock, Actor.system("demo")),
                csv_bytes,
                settings,
                period=first.period,
                builders=close_files(container.spend, today=container.clock.today()),
            )

        await close()
        await closes.reopen_period(
            uow,
            container.clock,
            admin,
            period=first.period,
            reason="AWS announced a late refund; checking it is in the CUR",
        )
        await close()
        if len(final) > 1:
            await closes.save_checklist(
                uow,
                container.clock,
                vendor,
                period=final[1].period,
                checklist=Checklist(
                    "Amazon Web Services, Inc.",
                    f"PO-{DEMO_YEAR}-0001",
                    final[1].invoice_ids,
                    "",
                    DEMO_DEFAULT_BUSINESS_UNIT,
                ),
                version=0,
            )
        await uow.commit()
