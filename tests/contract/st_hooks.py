"""Schemathesis hooks loaded into `st run` (SCHEMATHESIS_HOOKS): the scope check.

`FINOPS_FUZZ_FORBIDDEN` names a JSON file `{"strings": [...], "keys": {"budget_id": [...]}}`
written by the harness for the role under test: the names and ids of what lies outside the
role's financial scope. Every response body is walked; a string value equal to a forbidden
name, or a forbidden id under one of the keys, is a leak.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from functools import cache
from typing import Any

import schemathesis


@cache
def _forbidden() -> tuple[frozenset[str], dict[str, frozenset[int]]]:
    path = os.environ.get("FINOPS_FUZZ_FORBIDDEN")
    if not path:
        return frozenset(), {}
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    keys = {key: frozenset(ids) for key, ids in data["keys"].items()}
    return frozenset(data["strings"]), keys


def _leaks(value: Any, strings: frozenset[str], keys: dict[str, frozenset[int]]) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in keys:
                ids = item if isinstance(item, list) else [item]
                yield from (f"{key}={i}" for i in ids if isinstance(i, int) and i in keys[key])
            yield from _leaks(item, strings, keys)
    elif isinstance(value, list):
        for item in value:
            yield from _leaks(item, strings, keys)
    elif isinstance(value, str) and value in strings:
        yield repr(value)


@schemathesis.check
def no_out_of_scope_identifiers(ctx: Any, response: Any, case: Any) -> bool | None:  # noqa: ARG001
    """No response names a budget, node, workload, claim, credit … outside the caller's scope."""
    strings, keys = _forbidden()
    if not strings and not keys:
        return None
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    if "json" in content_type:
        try:
            body = json.loads(response.content or b"null")
        except ValueError:
            return None
        found = sorted(set(_leaks(body, strings, keys)))
    else:  # CSV and other text: any forbidden name as a whole cell
        text = response.content.decode("utf-8", "replace")
        cells = {c.strip().strip('"') for line in text.splitlines() for c in line.split(",")}
        found = sorted(cells & strings)
    if found:
        raise AssertionError(f"out-of-scope identifiers in the response: {', '.join(found[:10])}")
    return None


@schemathesis.check
def schema_valid_requests_pass_validation(ctx: Any, response: Any, case: Any) -> bool | None:  # noqa: ARG001
    """Schema-valid data never fails the request models' own validation (a 422 "the request
    is not valid"): the document and the models must say the same. A business rule's 422 is
    judged by `positive_data_acceptance` (allowed only where the harness lists the rule)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    if any(component.mode.is_negative for component in meta.components.values()):
        return None  # a positive case with one part made invalid on purpose
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return None
    if isinstance(body, dict) and body.get("detail") == "the request is not valid":
        raise AssertionError(f"schema-valid request failed validation: {body.get('errors')}")
    return None
