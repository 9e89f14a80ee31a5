"""The demo's optimisation recommendations in every state."""

from __future__ import annotations

import asyncio
import csv
import io

from adapters.db.uow import UnitOfWork
from adapters.recommendations.export import DuckDbExportReader
from adapters.recommendations.sample import SampleResource, sample_export
from api.container import Container
from domain.recommendations import service as rec_service
from domain.recommendations.importing import EXPORT_COLUMNS
from domain.recommendations.machine import Action as RecAction
from domain.recommendations.queries import RecommendationFilter, StatusFilter, Visibility
from domain.scope import ResolvedScope

# The states the demo's recommendations are put in, in order of their savings (largest first):
# (action, by the Cloud Engineer?, comment) steps.
_RECOMMENDATION_STORIES: tuple[tuple[tuple[RecAction, bool, str | None], ...], ...] = (
    ((RecAction.APPROVE, False, None),),
    ((RecAction.APPROVE, False, None), (RecAction.IMPLEMENT, True, "Resized in the May window")),
    ((RecAction.IGNORE, False, "Reserved for the Black Friday load test"),),
    ((RecAction.APPROVE, False, None),),
    (
        (RecAction.IGNORE, False, "Owner asked to wait for the migration"),
        (RecAction.REOPEN, False, None),
    ),
    ((RecAction.APPROVE, False, None), (RecAction.IMPLEMENT, True, None)),
)


async def demo_recommendations(container: Container, account_ids: list[str]) -> None:
    """A SYNTHETIC Cost Optimization Hub export (AWS publishes no sample) over resources of the
    demo CUR, imported twice (the second time without its first recommendation, which is
    resolved), and decided into every state."""
    resources: dict[tuple[str, str], SampleResource] = {}
    for account_id in account_ids:
        for service in ("AmazonEC2", "AmazonRDS", "AWSLambda", "AmazonS3"):
            page = await asyncio.to_thread(
                container.cur.resources, account_id=account_id, service=service, limit=2
            )
            for r in page.items:
                resources[r.account_id, r.resource_id] = SampleResource(
                    r.account_id, r.resource_id, r.region or "us-east-1"
                )
    picked = [resources[k] for k in sorted(resources)]
    reader = DuckDbExportReader()
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session)
        fin = await uow.users.get_by_email("fin@demo.finops")
        engineer = await uow.users.get_by_email("engineer@demo.finops")
        assert fin is not None
        assert engineer is not None
        for n, rows in enumerate(
            (sample_export(picked), sample_export(picked, rotation=1, drop=1))
        ):
            data = io.StringIO()
            writer = csv.writer(data)
            writer.writerow(EXPORT_COLUMNS)
            writer.writerows(
                [["" if r.get(c) is None else r[c] for c in EXPORT_COLUMNS] for r in rows]
            )
            await rec_service.import_upload(
                uow,
                container.clock,
                fin,
                container.resources,
                reader,
                container.objects,
                data=data.getvalue().encode(),
                filename=f"synthetic-cost-optimization-export-{n + 1}.csv",
            )
        everything = ResolvedScope.everything()
        fresh = await uow.recommendations.page(
            Visibility(), RecommendationFilter(status=StatusFilter.NEW), limit=50, offset=0
        )
        for rec, story in zip(fresh.items, _RECOMMENDATION_STORIES, strict=False):
            version = rec.version
            for action, by_engineer, comment in story:
                saved = await rec_service.decide(
                    uow,
                    container.clock,
                    engineer if by_engineer else fin,
                    everything,
                    rec_id=rec.id,
                    action=action,
                    version=version,
                    comment=comment,
                )
                version = saved.version
        await uow.commit()
