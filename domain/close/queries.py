"""Month close reads: the periods and their closes' state, and the files of a close (stored, or
built again from its frozen book to prove they did not change). The use cases that change a
close are in `service`."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.close.book import CloseBook, book_from_json
from domain.close.files import FileBuilder
from domain.close.fpa import ALL_FILES
from domain.close.model import CloseEvent, EventKind, StoredFile
from domain.close.ports import ClosePeriodReader, CsvEncoder
from domain.errors import Conflict, ErrorDetail, Forbidden, NotFound, RuleViolation
from domain.identity.roles import Permission, can
from domain.identity.users import User
from domain.periods import parse_period
from domain.ports import UnitOfWork


@dataclass(frozen=True)
class PeriodStatus:
    period: str
    finalized: bool
    closed: bool
    version: int


@dataclass(frozen=True)
class FileContent:
    event: CloseEvent
    file: StoredFile
    content: bytes
    regenerated: bool


def may_read(user: User) -> None:
    # the files split the whole invoice: company-wide amounts, for the roles that see all spend
    if not can(user.role, Permission.VIEW_ALL_SPEND):
        raise Forbidden(f"your role ({user.role.value}) may not see month closes")


def checked_period(period: str) -> date:
    try:
        return parse_period(period)
    except ValueError as exc:
        raise RuleViolation(str(exc), [ErrorDetail(str(exc), field="period")]) from None


def current_files(history: Sequence[CloseEvent]) -> tuple[StoredFile, ...]:
    closes = [e for e in history if e.kind is EventKind.CLOSE]
    if not closes or (history and history[-1].kind is EventKind.REOPEN):
        return ()
    return closes[-1].files


def encode_file(builder: FileBuilder, book: CloseBook, encode: CsvEncoder) -> tuple[bytes, int]:
    table = builder.build(book)
    return encode(table.header, table.rows), len(table.rows)


async def list_periods(
    uow: UnitOfWork, user: User, reader: ClosePeriodReader
) -> list[PeriodStatus]:
    """Every billing period the CUR holds or a close touched, newest first."""
    may_read(user)
    billed = {p.period: p for p in await reader.billing_periods()}
    states = {s.period: s for s in await uow.closes.states()}
    closed = await uow.budgets.closed_periods()
    return [
        PeriodStatus(
            p,
            billed[p].finalized if p in billed else False,
            p in closed,
            states[p].version if p in states else 0,
        )
        for p in sorted(set(billed) | set(states) | closed, reverse=True)
    ]


async def close_files(uow: UnitOfWork, user: User, *, period: str) -> tuple[StoredFile, ...]:
    """The files of the period's current close (none while it is open)."""
    may_read(user)
    checked_period(period)
    return current_files(await uow.closes.history(period))


async def file_content(
    uow: UnitOfWork,
    user: User,
    encode: CsvEncoder,
    *,
    period: str,
    name: str,
    close_id: int | None = None,
    regenerate: bool = False,
    builders: Sequence[FileBuilder] = ALL_FILES,
) -> FileContent:
    """A stored file's bytes; `regenerate` builds it again from the frozen close book instead
    (Conflict should the bytes differ from the stored ones: a file is immutable)."""
    may_read(user)
    checked_period(period)
    found = await uow.closes.file(period, name, close_id)
    if found is None:
        raise NotFound(f"no file {name} in the closes of {period}")
    event, stored, content = found
    if not regenerate:
        return FileContent(event, stored, content, False)
    builder = next((b for b in builders if b.name(period) == name), None)
    raw = await uow.closes.snapshot(event.id)
    if builder is None or raw is None:
        raise NotFound(f"{name} cannot be regenerated")
    again, _ = encode_file(builder, book_from_json(raw), encode)
    if hashlib.sha256(again).hexdigest() != stored.sha256:
        raise Conflict(f"{name} regenerated differs from the stored file")
    return FileContent(event, stored, again, True)
