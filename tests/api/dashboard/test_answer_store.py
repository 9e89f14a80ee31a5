"""The answer cache on its own (api/answer_cache.py): bounded in bytes, least recently used
out first, one computation per key for concurrent reads, errors never kept."""

from __future__ import annotations

import asyncio

import pytest

from api.answer_cache import AnswerCache
from api.schemas.common import Schema


class Body(Schema):
    text: str


def built(text: str, calls: list[str], wait: asyncio.Event | None = None):
    async def build() -> Body:
        calls.append(text)
        if wait is not None:
            await wait.wait()
        return Body(text=text)

    return build


class TestBound:
    async def test_the_least_recently_used_answer_goes_first(self):
        cache = AnswerCache(max_bytes=40)  # two 14-byte bodies fit, three do not
        calls: list[str] = []
        for key in ("a", "b"):
            await cache.answer(key, built(key * 3, calls))
        await cache.answer("a", built("never", calls))  # a is now the most recent
        await cache.answer("c", built("ccc", calls))
        assert cache.get("b") is None
        assert cache.get("a") == b'{"text":"aaa"}'
        assert calls == ["aaa", "bbb", "ccc"]


class TestOneComputation:
    async def test_concurrent_reads_of_one_key_wait_for_the_first(self):
        cache = AnswerCache()
        calls: list[str] = []
        go = asyncio.Event()
        first = asyncio.create_task(cache.answer("k", built("x", calls, go)))
        await asyncio.sleep(0)
        second = asyncio.create_task(cache.answer("k", built("y", calls)))
        await asyncio.sleep(0)
        go.set()
        answers = await asyncio.gather(first, second)
        assert [a.body for a in answers] == [b'{"text":"x"}', b'{"text":"x"}']
        assert calls == ["x"]

    async def test_an_error_is_raised_never_kept_and_a_waiter_computes_itself(self):
        cache = AnswerCache()
        go = asyncio.Event()

        async def failing() -> Body:
            await go.wait()
            raise LookupError("gone")

        calls: list[str] = []
        first = asyncio.create_task(cache.answer("k", failing))
        await asyncio.sleep(0)
        second = asyncio.create_task(cache.answer("k", built("y", calls)))
        await asyncio.sleep(0)
        go.set()
        with pytest.raises(LookupError):
            await first
        assert (await second).body == b'{"text":"y"}'
        assert calls == ["y"]


class TestRaced:
    async def test_an_answer_whose_version_moved_while_computed_is_not_kept(self):
        cache = AnswerCache()
        calls: list[str] = []

        async def moved() -> bool:
            return False

        first = await cache.answer("k", built("x", calls), moved)
        assert first.body == b'{"text":"x"}'
        assert cache.get("k") is None
        await cache.answer("k", built("y", calls))
        assert cache.get("k") == b'{"text":"y"}'
        assert calls == ["x", "y"]
