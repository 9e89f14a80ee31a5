"""The OpenAPI document as the API really answers it.

FastAPI renders an optional header, query or form field as `anyOf [T, null]`, but none of
those places can carry a JSON null: a client that believes the document sends the text
"null" and is refused. And FastAPI reads an empty form field as a missing one, so a required
form string needs at least one character. Both are said here, once, for every operation.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

_TEXT_LOCATIONS = {"header", "query", "cookie"}
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    options = schema.get("anyOf")
    if not options:
        return schema
    kept = [o for o in options if o.get("type") != "null"]
    if len(kept) == len(options):
        return schema
    rest = {k: v for k, v in schema.items() if k != "anyOf"}
    return {**kept[0], **rest} if len(kept) == 1 else {**rest, "anyOf": kept}


def _fix_form(schema: dict[str, Any]) -> None:
    required = set(schema.get("required", ()))
    for name, prop in list(schema.get("properties", {}).items()):
        prop = _without_null(prop)
        if name in required and prop.get("type") == "string":
            prop.setdefault("minLength", 1)
        schema["properties"][name] = prop


def contract_document(app: FastAPI, original: Any) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    document: dict[str, Any] = original()
    components = document.get("components", {}).get("schemas", {})
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", ()):
                if parameter.get("in") in _TEXT_LOCATIONS and "schema" in parameter:
                    parameter["schema"] = _without_null(parameter["schema"])
            content = operation.get("requestBody", {}).get("content", {})
            for media_type in _FORM_TYPES:
                ref = content.get(media_type, {}).get("schema", {}).get("$ref", "")
                target = components.get(ref.rsplit("/", 1)[-1]) if ref else None
                if target is not None:
                    _fix_form(target)
    app.openapi_schema = document
    return document


def install(app: FastAPI) -> None:
    original = app.openapi
    app.openapi = lambda: contract_document(app, original)  # type: ignore[method-assign]
