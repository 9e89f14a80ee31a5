"""Rendered JSON answers of heavy reads, kept in this process while the version of what they
were computed from holds: the dashboard's (`domain.dashboard.freshness`), the hierarchy, spend
and the allocation summary (the audit chain's head, the allocation's keys).

The key of an answer is (endpoint, its parameters, the caller's scope, the figures'
version): a write, a CUR refresh or a split or claim change moves the version, so the next
read computes again; two scopes never share an entry. Old versions are never asked for again
and fall out of the least-recently-used end. Each server worker holds its own; they agree
because the version is read from the shared database and allocation folder on every request.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable

from fastapi import Response
from pydantic import BaseModel

JSON = "application/json"


class AnswerCache:
    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._bodies: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        # one computation per key at a time: concurrent cold reads of one view wait for the
        # first instead of each computing it
        self._pending: dict[Hashable, asyncio.Future[bytes | None]] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> bytes | None:
        body = self._bodies.get(key)
        if body is not None:
            self._bodies.move_to_end(key)
        return body

    def put(self, key: Hashable, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        old = self._bodies.pop(key, None)
        if old is not None:
            self._size -= len(old)
        self._bodies[key] = body
        self._size += len(body)
        while self._size > self.max_bytes:
            _, dropped = self._bodies.popitem(last=False)
            self._size -= len(dropped)

    def clear(self) -> None:
        self._bodies.clear()
        self._size = 0

    async def answer(
        self,
        key: Hashable,
        build: Callable[[], Awaitable[BaseModel]],
        still: Callable[[], Awaitable[bool]] | None = None,
    ) -> Response:
        """The kept answer of `key`, else `build()`'s rendered as JSON (see `respond`)."""

        async def render() -> bytes:
            return (await build()).model_dump_json().encode()

        return await self.respond(key, render, still)

    async def respond(
        self,
        key: Hashable,
        render: Callable[[], Awaitable[bytes]],
        still: Callable[[], Awaitable[bool]] | None = None,
    ) -> Response:
        """The kept body of `key`, else `render()`'s, kept if `still()` says the version in
        the key still holds after the computation (a change that raced it leaves nothing
        kept; without `still` the key's version was read before the figures, so the body may
        be newer than its key, never older). An error is raised to its caller and never kept
        (a read waiting on it computes the answer itself)."""
        body = self.get(key)
        if body is None:
            pending = self._pending.get(key)
            if pending is not None:
                body = await asyncio.shield(pending)
        if body is not None:
            self.hits += 1
            return Response(content=body, media_type=JSON)
        self.misses += 1
        future: asyncio.Future[bytes | None] = asyncio.get_running_loop().create_future()
        self._pending.setdefault(key, future)
        try:
            body = await render()
            if still is None or await still():
                self.put(key, body)
        finally:
            future.set_result(body)
            if self._pending.get(key) is future:
                del self._pending[key]
        return Response(content=body, media_type=JSON)
