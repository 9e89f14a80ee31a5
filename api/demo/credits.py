"""The demo's credits: programmes, applications and expiries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from adapters.db.uow import UnitOfWork
from api.container import Container
from api.demo.org import DEMO_YEAR
from api.demo.schedules import month_end
from domain.audit import Actor
from domain.credits import service as credit_service
from domain.credits.model import CreditFields, Program
from domain.periods import period_key
from domain.scope import ResolvedScope


async def demo_credits(container: Container, today: date) -> None:
    """Credits of every kind: a MAP credit used month after month, a PoC credit expiring
    mid-March, an Activate credit on Search that will expire unused at its burn rate, a void one
    and one not yet used (editable); the finished months of the demo year applied as month
    close would have. Amounts are sized from each budget's spend, so the story holds for any
    generated CUR."""
    finished = [
        date(DEMO_YEAR, m, 1) for m in range(1, 13) if month_end(date(DEMO_YEAR, m, 1)) < today
    ]
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session)
        fin = await uow.users.get_by_email("fin@demo.finops")
        vendor = await uow.users.get_by_email("vendor@demo.finops")
        assert fin is not None
        assert vendor is not None
        everything = ResolvedScope.everything()
        budgets = {
            b.path[3]: b.id for b in await uow.budgets.list_budgets(everything, year=DEMO_YEAR)
        }
        reader = container.credit_spend(uow)
        monthly: dict[int, Decimal] = {}
        for month in finished[-3:]:
            found = await reader.month_spend(list(budgets.values()), period_key(month))
            for budget_id, spend in found.items():
                monthly[budget_id] = monthly.get(budget_id, Decimal(0)) + spend.total() / 3

        def sized(product: str, months: int) -> Decimal:
            rate = monthly.get(budgets[product], Decimal(0))
            return max(Decimal(100), (rate * months).quantize(Decimal(1)))

        next_year = DEMO_YEAR + 1
        soon = month_end((today.replace(day=1) + timedelta(days=40)).replace(day=1))
        stories = [
            (
                fin,
                "Checkout",
                Program.MAP,
                sized("Checkout", 9),
                date(DEMO_YEAR, 1, 1),
                date(next_year, 6, 30),
                "MAP-2026-014",
                "Migration Acceleration Program, year 1",
            ),
            (
                vendor,
                "Checkout",
                Program.POC,
                sized("Checkout", 1),
                date(DEMO_YEAR, 3, 1),
                date(DEMO_YEAR, 3, 20),
                "POC-7731",
                "Payment provider proof of concept",
            ),
            (
                vendor,
                "Search",
                Program.ACTIVATE,
                sized("Search", 8),
                date(DEMO_YEAR, 9, 1),
                max(soon, date(DEMO_YEAR, 9, 30)),
                "ACT-5502",
                "Activate credits: far more than Search burns before they expire",
            ),
            (
                fin,
                "Catalog Service",
                Program.OTHER,
                Decimal("2500.00"),
                date(DEMO_YEAR, 2, 1),
                date(DEMO_YEAR, 12, 31),
                "SUP-0042",
                "Service credit for the February outage",
            ),
            (
                fin,
                "Catalog Service",
                Program.ACTIVATE,
                sized("Catalog Service", 2),
                today.replace(day=1),
                date(next_year, 12, 31),
                "ACT-6120",
                "Recorded, not used yet",
            ),
        ]
        made = []
        for user, product, program, amount, start, expires, reference, description in stories:
            record, _ = await credit_service.create_credit(
                uow,
                container.clock,
                user,
                everything,
                fields=CreditFields(
                    budgets[product],
                    program,
                    amount.quantize(Decimal("0.01")),
                    start,
                    expires,
                    reference,
                    description,
                ),
            )
            made.append(record.credit)
        for month in finished[:6]:
            await credit_service.apply_credits(
                uow,
                container.clock,
                Actor.system("month close (demo)"),
                reader,
                period=period_key(month),
            )
        void = (await credit_service.credit_detail(uow, everything, made[3].id))[0].credit
        await credit_service.void_credit(
            uow,
            container.clock,
            fin,
            everything,
            credit_id=void.id,
            reason="Recorded twice: AWS folded it into MAP-2026-014",
            version=void.version,
        )
        for month in finished[6:]:
            await credit_service.apply_credits(
                uow,
                container.clock,
                Actor.system("month close (demo)"),
                reader,
                period=period_key(month),
            )
        await uow.commit()
