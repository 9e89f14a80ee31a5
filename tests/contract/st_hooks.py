"""Schemathesis hooks loaded into `st run` (SCHEMATHESIS_HOOKS): the scope check, and what
keeps the run's own session alive.

`FINOPS_FUZZ_FORBIDDEN` names the JSON file written by `scope_seed.forbidden_for` for the role
under test (the names and ids of what lies outside its financial scope); every response body
is walked for them. `FINOPS_FUZZ_SELF` names the caller's user id and a stand-in user's.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from functools import cache
from typing import Any

import schemathesis

# The routes whose top-level objects (the body, its items, or `items`/`nodes` and their
# `children`) carry an `id` of a known kind: elsewhere `id` may be anything (an import, a
# version, an audit row) and is not searched.
ID_KINDS: dict[str, str] = {
    "/api/v1/budgets": "budget",
    "/api/v1/budgets/{budget_id}": "budget",
    "/api/v1/hierarchy": "node",
    "/api/v1/workloads": "workload",
    "/api/v1/workloads/{workload_id}": "workload",
    "/api/v1/claims": "claim",
    "/api/v1/workloads/{workload_id}/claims": "claim",
    "/api/v1/credits": "credit",
    "/api/v1/credits/{credit_id}": "credit",
    "/api/v1/credits/{credit_id}/void": "credit",
    "/api/v1/spend-cards": "card",
    "/api/v1/spend-cards/{card_id}": "card",
    "/api/v1/spend-cards/{card_id}/{action}": "card",
    "/api/v1/recommendations": "recommendation",
    "/api/v1/recommendations/top": "recommendation",
    "/api/v1/recommendations/{recommendation_id}": "recommendation",
    "/api/v1/recommendations/{recommendation_id}/{action}": "recommendation",
}

# Operations that answer 401 by design to a request carrying the run's valid session.
OWN_AUTH = {"/api/v1/auth/token", "/api/v1/webhooks/cur"}


@cache
def _forbidden() -> tuple[frozenset[str], dict[str, frozenset[Any]], dict[str, frozenset[Any]]]:
    path = os.environ.get("FINOPS_FUZZ_FORBIDDEN")
    if not path:
        return frozenset(), {}, {}
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    keys = {key: frozenset(values) for key, values in data["keys"].items() if values}
    ids = {kind: frozenset(values) for kind, values in data["ids"].items() if values}
    return frozenset(data["strings"]), keys, ids


@cache
def _self() -> dict[str, int]:
    path = os.environ.get("FINOPS_FUZZ_SELF")
    if not path:
        return {}
    with open(path, encoding="utf-8") as file:
        data: dict[str, int] = json.load(file)
    return data


def _is(value: Any, values: frozenset[Any]) -> bool:
    """Membership with the JSON type kept: the id 5 is not the account "5", True is not 1."""
    return not isinstance(value, bool) and isinstance(value, int | str) and value in values


def _leaks(value: Any, strings: frozenset[str], keys: dict[str, frozenset[Any]]) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in keys:
                found = item if isinstance(item, list) else [item]
                yield from (f"{key}={i!r}" for i in found if _is(i, keys[key]))
            yield from _leaks(item, strings, keys)
    elif isinstance(value, list):
        for item in value:
            yield from _leaks(item, strings, keys)
    elif isinstance(value, str) and value in strings:
        yield repr(value)


def _top_objects(body: Any) -> Iterator[dict[str, Any]]:
    if isinstance(body, list):
        for item in body:
            yield from _top_objects(item)
    elif isinstance(body, dict):
        if "id" in body:
            yield body
        for key in ("items", "nodes", "children"):
            if isinstance(body.get(key), list):
                yield from _top_objects(body[key])


def _own_id_leaks(route: str, body: Any, ids: dict[str, frozenset[Any]]) -> Iterator[str]:
    kind = ID_KINDS.get(route)
    if kind is None or kind not in ids:
        return
    for item in _top_objects(body):
        if _is(item["id"], ids[kind]):
            yield f"{kind} id={item['id']!r}"


@schemathesis.check
def no_out_of_scope_identifiers(ctx: Any, response: Any, case: Any) -> bool | None:  # noqa: ARG001
    """No response names or ids a budget, node, account, resource, workload, claim, schedule,
    card, credit, recommendation or spend row outside the caller's scope."""
    strings, keys, ids = _forbidden()
    if not strings and not keys and not ids:
        return None
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    if "json" in content_type:
        try:
            body = json.loads(response.content or b"null")
        except ValueError:
            return None
        found = set(_leaks(body, strings, keys)) | set(_own_id_leaks(case.path, body, ids))
    else:  # CSV and other text: a forbidden name, account or resource id as a whole cell
        text = response.content.decode("utf-8", "replace")
        cells = {c.strip().strip('"') for line in text.splitlines() for c in line.split(",")}
        named = strings | keys.get("account_id", frozenset()) | keys.get("resource_id", frozenset())
        found = {repr(c) for c in cells if c in named}
    if found:
        shown = ", ".join(sorted(found)[:10])
        raise AssertionError(f"out-of-scope identifiers in the response: {shown}")
    return None


@schemathesis.check
def the_session_holds(ctx: Any, response: Any, case: Any) -> bool | None:  # noqa: ARG001
    """The run's own session is never refused: a 401 here means the run ended its own session
    (and every later case would test nothing but the refusal) or the server lost it."""
    if response.status_code == 401 and case.path not in OWN_AUTH:
        raise AssertionError("the run's session was refused (401): the rest would test nothing")
    return None


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:  # noqa: ARG001
    """A change to the caller's own user (a new password, role or activity) ends its session by
    design (tests/api/test_auth.py proves it): the run would go on as nobody. The same change
    goes to a stand-in user instead, so the operation is still exercised with a real id."""
    me = _self()
    if (
        me
        and case.method.upper() == "PATCH"
        and case.path == "/api/v1/users/{user_id}"
        and case.path_parameters
        and str(case.path_parameters.get("user_id")) == str(me["user_id"])
    ):  # path parameters arrive as strings in some phases, as numbers in others
        case.path_parameters["user_id"] = me["stand_in"]


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


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:  # noqa: ARG001
    """FINOPS_FUZZ_LOG=FILE: one line per call, in order (status, operation, parameters, body):
    what ran before a failure, e.g. which case ended a session."""
    log = os.environ.get("FINOPS_FUZZ_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as file:
            body = str(case.body)[:200]
            file.write(f"{response.status_code} {case.method} {case.path} ")
            file.write(f"{case.path_parameters} {case.query} {body}\n")
