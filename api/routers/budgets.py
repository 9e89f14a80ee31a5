"""Fiscal years, the hierarchy, product budgets and their versions, chart-of-accounts imports
and users' financial scope."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile

from api.deps import (
    AppClock,
    AppContainer,
    CurrentUser,
    ReadUoW,
    RequirePermission,
    ScopeFilter,
    UoW,
    actor_of,
)
from api.params import Id, YearFilter
from api.schemas.budgets import (
    BudgetCreate,
    BudgetDetail,
    BudgetList,
    BudgetRead,
    BudgetUpdate,
    HierarchyRead,
    ImportRead,
    ImportResultRead,
    ScopeNodeRead,
    ScopeRead,
    ScopeUpdate,
    VersionRead,
    YearCreate,
    YearRead,
)
from api.schemas.common import PROBLEM_RESPONSES, IsoDate
from api.tables import CSV_RESPONSES, CsvWanted, table
from api.uploads import read_upload
from domain.budgets import line_items, scope_service, service
from domain.budgets.filename import LoadOptionOverrides, safe_filename
from domain.budgets.model import HierarchyLabels, default_year
from domain.budgets.rollup import HierarchyNode, RollupNode, build_rollup_tree
from domain.errors import ErrorDetail, NotFound, RuleViolation
from domain.identity.roles import Permission
from domain.identity.users import User
from domain.scope import ResolvedScope

router = APIRouter(prefix="/api/v1", tags=["budgets"], responses=PROBLEM_RESPONSES)

Manager = Annotated[User, RequirePermission(Permission.MANAGE_BUDGETS)]
Uploader = Annotated[User, RequirePermission(Permission.UPLOAD_CHART_OF_ACCOUNTS)]
Admin = Annotated[User, RequirePermission(Permission.MANAGE_USERS)]


@router.get("/years", response_model=list[YearRead])
async def list_years(_user: CurrentUser, uow: UoW, clock: AppClock) -> list[YearRead]:
    """Fiscal years and their level labels; `default` marks the one the pages open on (the
    year that contains today by the server's clock, else the newest before today)."""
    years = await uow.budgets.years()
    opened = default_year([y for y, _ in years], clock.today())
    return [
        YearRead(year=y, labels=list(labels.as_tuple()), default=y == opened) for y, labels in years
    ]


@router.post("/years", response_model=YearRead, status_code=201)
async def define_year(body: YearCreate, user: Manager, uow: UoW) -> YearRead:
    """Define the organisational naming of a year: its four level labels, top first."""
    labels = await service.define_year(uow, actor_of(user), year=body.year, labels=body.labels)
    return YearRead(year=body.year, labels=list(labels.as_tuple()))


def _form_bool(name: str, value: str | None) -> bool | None:
    if value is None or value == "":
        return None
    lowered = value.strip().lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise RuleViolation(
        "invalid option", [ErrorDetail(message="must be true or false", field=name)]
    )


@router.post("/budget-imports", response_model=ImportResultRead, status_code=201)
async def import_chart_of_accounts(
    user: Uploader,
    uow: UoW,
    container: AppContainer,
    file: Annotated[UploadFile, File(description="the chart-of-accounts CSV")],
    effective_year: Annotated[int | None, Form()] = None,
    is_new: Annotated[str | None, Form(description="true/false")] = None,
    start_date: Annotated[IsoDate | None, Form()] = None,
    is_override: Annotated[str | None, Form(description="true/false")] = None,
    version: Annotated[str | None, Form()] = None,
    customer: Annotated[str | None, Form()] = None,
) -> ImportResultRead:
    """Load a chart-of-accounts file, all or nothing. Options come from the file name
    (`<Customer>_<effectiveYear>_<isNew>_<startDate>_<isOverride>_Budget_<version>.csv`);
    form fields given here win over it. A refused file answers 422 with every error as
    `{row, column, message}` and changes nothing."""
    data = await read_upload(file, container.settings.upload_limit_mb)
    overrides = LoadOptionOverrides(
        customer=customer,
        effective_year=effective_year,
        is_new=_form_bool("is_new", is_new),
        start_date=start_date,
        is_override=_form_bool("is_override", is_override),
        version=version,
    )
    result = await service.import_chart(
        uow,
        container.clock,
        container.objects,
        actor_of(user),
        service.ChartUpload(file.filename or "upload.csv", data, overrides),
    )
    return ImportResultRead(
        id=result.import_id,
        year=result.options.effective_year,
        labels=list(result.labels.as_tuple()),
        options=service.options_view(result.options),
        **result.counts,
    )


@router.get("/budget-imports", response_model=list[ImportRead], responses=CSV_RESPONSES)
async def list_budget_imports(
    _user: Uploader, uow: UoW, want: CsvWanted, year: YearFilter = None
) -> list[ImportRead] | Response:
    """Past chart-of-accounts loads: who, when, the options and the counts."""
    items = [ImportRead.of(r) for r in await uow.budgets.list_imports(year=year)]
    return table(want, items, items, ImportRead, "budget-imports")


@router.get(
    "/budget-imports/{import_id}/file",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "the raw file as uploaded"}},
)
async def download_budget_import_file(
    import_id: Id, _user: Uploader, uow: UoW, container: AppContainer
) -> Response:
    """The raw chart-of-accounts file of a past load, byte for byte as it was uploaded."""
    record = await uow.budgets.get_import(import_id)
    if record is None:
        raise NotFound("import not found")
    data = await container.objects.get(record.object_key)
    safe = safe_filename(record.filename)
    return Response(
        data,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


@router.get("/closed-periods", response_model=list[str])
async def list_closed_periods(_user: CurrentUser, uow: UoW) -> list[str]:
    """Closed billing months (`YYYY-MM`): their amounts, splits and claims are locked."""
    return sorted(await uow.budgets.closed_periods())


@router.post("/budgets", response_model=BudgetDetail, status_code=201)
async def create_budget(
    body: BudgetCreate, user: Manager, uow: UoW, scope: ScopeFilter
) -> BudgetDetail:
    """Add a line item: a product budget under its four names (missing nodes are created)."""
    budget_id = await line_items.add_line_item(
        uow,
        actor_of(user),
        line_items.LineItem(
            year=body.year,
            path=body.path,
            annual_amount=body.annual_amount,
            start_date=body.start_date,
            attributes=body.attributes,
        ),
    )
    return await _detail(uow, scope, budget_id)


@router.get("/budgets", response_model=BudgetList, responses=CSV_RESPONSES)
async def list_budgets(
    _user: CurrentUser,
    want: CsvWanted,
    uow: UoW,
    scope: ScopeFilter,
    container: AppContainer,
    year: YearFilter = None,
    status: Annotated[str | None, Query(pattern="^(active|retired)$")] = None,
) -> BudgetList | Response:
    """Product budgets in the caller's scope, with their current annual amounts."""
    if want:
        body = await _budget_list(uow, scope, year, status)
        return table(want, body, body.items, BudgetRead, "budgets")
    # kept per scope under the database's write version, as the hierarchy: the list reads
    # budgets, their latest amount versions, nodes, labels and schedule statuses, and every
    # committed change to those is audited in its own transaction (moves the chain head)
    key = ("budgets", year, status, scope, await uow.audit.head_version())
    return await container.answers.answer(key, lambda: _budget_list(uow, scope, year, status))


async def _budget_list(
    uow: UoW, scope: ResolvedScope, year: int | None, status: str | None
) -> BudgetList:
    items = await uow.budgets.list_budgets(scope, year=year, status=status)
    labels = await uow.budgets.labels(year) if year is not None else None
    statuses = await uow.schedules.statuses(b.id for b in items)
    rows = [BudgetRead.of(b, statuses.get(b.id, "none")) for b in items]
    return BudgetList(
        year=year,
        labels=list(labels.as_tuple()) if labels else None,
        items=rows,
        total=len(items),
    )


async def _detail(uow: UoW, scope: ResolvedScope, budget_id: int) -> BudgetDetail:
    record = await uow.budgets.get_budget(scope, budget_id)
    if record is None:
        raise NotFound("budget not found")
    labels = await uow.budgets.labels(record.year) or HierarchyLabels()
    status = (await uow.schedules.get(record.id)).status.value
    return BudgetDetail(
        **BudgetRead.of(record, status).model_dump(),
        labels=list(labels.as_tuple()),
        versions=[VersionRead.of(v) for v in record.versions],
    )


@router.get("/budgets/{budget_id}", response_model=BudgetDetail)
async def get_budget(
    budget_id: Id, _user: CurrentUser, uow: UoW, scope: ScopeFilter
) -> BudgetDetail:
    """One product budget with its version history."""
    return await _detail(uow, scope, budget_id)


@router.patch("/budgets/{budget_id}", response_model=BudgetDetail)
async def update_budget(
    budget_id: Id, body: BudgetUpdate, user: Manager, uow: UoW, scope: ScopeFilter
) -> BudgetDetail:
    """Change the annual amount from the 1st of a month: a new version; earlier months keep
    the amount they had."""
    await service.change_amount(
        uow,
        actor_of(user),
        scope,
        budget_id=budget_id,
        annual_amount=body.annual_amount,
        effective_from=body.effective_from,
    )
    return await _detail(uow, scope, budget_id)


def _tree(node: RollupNode, budget_of: dict[int, int], status_of: dict[int, str]) -> dict[str, Any]:
    budget_id = budget_of.get(node.id)
    return {
        "id": node.id,
        "name": node.name,
        "level": node.level,
        "label": node.label,
        "annual_amount": node.annual_amount,
        "budget_id": budget_id,
        "schedule_status": status_of.get(budget_id, "none") if budget_id is not None else None,
        "children": [_tree(c, budget_of, status_of) for c in node.children],
    }


@router.get("/hierarchy", response_model=HierarchyRead)
async def get_hierarchy(
    year: Annotated[int, Query(ge=1, le=9999)],
    _user: CurrentUser,
    uow: ReadUoW,
    scope: ScopeFilter,
    container: AppContainer,
) -> Response:
    """The year's tree visible to the caller, each node with its rolled-up annual amount
    (active budgets only). Owners see the subtrees below the nodes they are mapped to."""
    # kept per scope under the database's write version: any committed change to nodes,
    # budgets, schedules or scopes makes the next read compute the tree again
    key = ("hierarchy", year, scope, await uow.audit.head_version())
    return await container.answers.respond(key, lambda: _hierarchy_json(uow, scope, year))


async def _hierarchy_json(uow: ReadUoW, scope: ResolvedScope, year: int) -> bytes:
    labels = await uow.budgets.labels(year)
    if labels is None:
        raise NotFound(f"year {year} is not defined")
    # The whole year's shape, but amounts only of budgets in scope and only the subtrees
    # below the caller's nodes: nothing outside the scope reaches a total or the answer.
    nodes = await uow.budgets.nodes(year)
    budgets = await uow.budgets.list_budgets(scope, year=year, status="active")
    tree = build_rollup_tree(
        [HierarchyNode(n.id, n.parent_id, n.level, n.name) for n in nodes],
        {b.node_id: b.annual_amount for b in budgets},
        labels=labels,
        visible_roots=scope.root_ids(),
    )
    statuses = {
        k: v.value for k, v in (await uow.schedules.statuses(b.id for b in budgets)).items()
    }
    budget_of = {b.node_id: b.id for b in budgets}
    answer = {
        "year": year,
        "labels": list(labels.as_tuple()),
        "nodes": [_tree(t, budget_of, statuses) for t in tree],
    }
    # Thousands of nested nodes: validated once from plain dicts and serialized straight to
    # JSON (returning the model would have FastAPI dump and validate the whole tree again).
    return HierarchyRead.model_validate(answer).model_dump_json().encode()


@router.get("/users/{user_id}/scope", response_model=ScopeRead, tags=["budgets"])
async def get_user_scope(user_id: Id, _admin: Admin, uow: UoW) -> ScopeRead:
    """The nodes a user is mapped to."""
    return await _scope_read(uow, user_id)


@router.put("/users/{user_id}/scope", response_model=ScopeRead)
async def set_user_scope(user_id: Id, body: ScopeUpdate, admin: Admin, uow: UoW) -> ScopeRead:
    """Map an owner to one or more nodes at the level of their role; several nodes only when
    they share one parent. An empty list removes the mapping."""
    await scope_service.set_user_scope(
        uow, actor_of(admin), user_id=user_id, node_ids=body.node_ids
    )
    return await _scope_read(uow, user_id)


async def _scope_read(uow: UoW, user_id: int) -> ScopeRead:
    if await uow.users.get(user_id) is None:
        raise NotFound("user not found")
    node_ids = await uow.budgets.scope_of(user_id)
    above = await uow.budgets.ancestors(node_ids)
    nodes = []
    for node_id in sorted(node_ids):
        node = above[node_id]
        chain = [above[int(p)].name for p in node.path.strip("/").split("/")]
        nodes.append(
            ScopeNodeRead(id=node.id, year=node.year, level=node.level, name=node.name, path=chain)
        )
    return ScopeRead(user_id=user_id, node_ids=sorted(node_ids), nodes=nodes)
