"""Every answer a route can give is in its OpenAPI entry, in the error envelope.

Some failures come from the machinery around a handler rather than from the handler itself: a
body that is not JSON (400), a missing or wrong credential (401) or permission (403), an id that
names nothing in the caller's organization (404), a write that collides with another (409, from
a constraint or an Idempotency-Key still in flight), a database that is down (503). Declared
route by route they are easy to forget, so the document is completed here from what each route
is; what a route declares itself is kept (its own words say more).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from maitred.identity.deps import authenticate
from maitred.kit.errors import ErrorBody
from maitred.tenancy.public import public_organization, public_snapshot

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorBody"}
EVERY_ROUTE = {
    422: "Validation error",
    429: "Rate limit exceeded",
    500: "Internal error",
    503: "The database is unavailable; try again shortly",
}


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _dependencies(dependency)


def _names_an_organization(route: APIRoute) -> bool:
    """The caller names the organization (`X-Tenant-ID`, or `?org=` on public forms), and the
    name may match none."""
    dependants = [route.dependant, *_dependencies(route.dependant)]
    return any(
        d.call in (public_organization, public_snapshot)
        or any(p.alias.lower() == "x-tenant-id" for p in d.header_params)
        for d in dependants
    )


def _signed_in(route: APIRoute) -> bool:
    """The route asks for a caller: `authenticate`, or a `requires(...)` check built on it."""
    return any(
        dependency.call is authenticate or hasattr(dependency.call, "required_permissions")
        for dependency in _dependencies(route.dependant)
    )


def errors_of(route: APIRoute, method: str) -> dict[int, str]:
    """The envelope answers `method` on `route` can give whatever its handler does."""
    errors = dict(EVERY_ROUTE)
    if route.body_field is not None:
        errors[400] = "The body cannot be read (not JSON, or not UTF-8)"
    if _signed_in(route):
        errors[401] = "Not signed in, or the credentials are not valid"
        errors[403] = "The role lacks the permission"
    if route.dependant.path_params or _names_an_organization(route):
        errors[404] = "Nothing by that id in this organization"
    if method in WRITES:
        errors[409] = "Conflicts with the current state, or a request still in flight"
    return errors


# JSON Schema's "time" is RFC 3339's full-time, which requires an offset; maitred's times are
# local wall-clock times (`HH:MM` in, `HH:MM:SS` out, ../shared/API.md), so say just that.
LOCAL_TIME = {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"}


def _local_times(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") == "time":
            del node["format"]
            node.update(LOCAL_TIME)
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}}


def complete_document(app: FastAPI, document: dict[str, Any]) -> dict[str, Any]:
    """Adds each operation's envelope answers (a 422 is the envelope, never FastAPI's
    `HTTPValidationError`: maitred renders every validation error in it) and describes times
    as the local times they are."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorBody", ErrorBody.model_json_schema())
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    _local_times(document)
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not context.include_in_schema:
            continue
        for method in context.methods or ():
            operation = document["paths"].get(context.path_format, {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in errors_of(route, method).items():
                declared = responses.get(str(status))
                if declared is None:
                    responses[str(status)] = _error_response(description)
                elif status == 422:
                    declared["content"] = {"application/json": {"schema": ERROR_SCHEMA}}
    return document


def install_complete_openapi(app: FastAPI) -> None:
    """`app.openapi()` answers the completed document (FastAPI builds it again, and so it is
    completed again, when routes are added)."""
    build: Callable[[], dict[str, Any]] = app.openapi
    completed: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        document = build()
        if not completed or completed[0] is not document:
            completed[:] = [complete_document(app, document)]
        return document

    app.openapi = openapi  # type: ignore[method-assign]
