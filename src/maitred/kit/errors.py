"""The error envelope of ../shared/API.md and the expected failures every domain builds on.

Every 4xx and 5xx leaves maitred as `{"error", "message", "details", "request_id", "timestamp"}`.
Domain errors subclass `AppError`; one handler renders them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from maitred.kit import i18n
from maitred.kit.api_paths import canonical_path, requested_path
from maitred.kit.clock import isoformat_z, utcnow
from maitred.kit.jsonresponse import JSONResponse
from maitred.kit.requestcontext import current_request_id

log = logging.getLogger("maitred.errors")


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: str = Field(examples=["validation_error"])
    message: str = Field(examples=["Request validation failed"])
    details: dict[str, Any] = Field(default_factory=dict, examples=[{"email": "Invalid email"}])
    request_id: str = Field(examples=["5f0c6f0e6a1b4f0e9a3d1c2b7e8f9a0b"])
    timestamp: str = Field(examples=["2025-10-25T10:30:00Z"])


class AppError(Exception):
    """An expected failure with an HTTP status and a machine-readable code."""

    status_code = 400
    code = "invalid_request"
    message = "The request is invalid"
    # True: the request's transaction is still committed (a failed sign-in must be counted).
    keep_changes = False

    def __init__(
        self,
        message: str | None = None,
        *,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or type(self).message
        self.details = details or {}
        self.headers = headers or {}
        super().__init__(self.message)


class InvalidRequest(AppError):
    """The request cannot be understood as sent."""


class Unauthorized(AppError):
    """No valid credentials were presented."""

    status_code, code, message = 401, "unauthorized", "Authentication required"


class Forbidden(AppError):
    """The caller is known but may not do this."""

    status_code, code, message = 403, "forbidden", "You do not have permission to do this"


class NotFound(AppError):
    """The resource does not exist (or belongs to another organization)."""

    status_code, code, message = 404, "not_found", "Resource not found"


class Conflict(AppError):
    """The request conflicts with the current state of the resource."""

    status_code, code, message = 409, "conflict", "The request conflicts with the current state"


class AlreadyExists(AppError):
    """A resource with the same identity already exists."""

    status_code, code, message = 409, "already_exists", "The resource already exists"


class InvalidState(AppError):
    """The resource is not in a state that allows this action."""

    status_code, code, message = 409, "invalid_state", "Not allowed in the current state"


class ValidationFailed(AppError):
    """Input that parsed but breaks a rule; `details` maps field to message."""

    status_code, code, message = 422, "validation_error", "Request validation failed"


class ExternalServiceFailed(AppError):
    """A provider we called (payments, messaging) failed to answer usefully; retrying may work."""

    status_code, code, message = 502, "external_api_error", "An outside service failed"


class ServiceUnavailable(AppError):
    """A dependency maitred needs is down."""

    status_code, code, message = 503, "service_unavailable", "Service temporarily unavailable"


STATUS_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limit_exceeded",
    500: "internal_error",
    502: "external_api_error",
    503: "service_unavailable",
}


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The envelope, its message and details in the request's language (the code never changes)."""
    body = {
        "error": code,
        "message": i18n.translate(message),
        "details": i18n.translate_details(details or {}),
        "request_id": current_request_id(),
        "timestamp": isoformat_z(utcnow()),
    }
    return JSONResponse(body, status_code=status_code, headers=headers)


def _field_path(loc: Sequence[int | str]) -> str:
    parts = [p for p in loc if not _is_union_tag(p)]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "body"


# Pydantic names the branch of a union (`MenuItemIn | str`) in an error's location:
# `function-after[_named(), MenuItemIn]`, `constrained-str`, `LocationIn`, `str`. Field names are
# snake_case and never look like these.
_UNION_TAG = re.compile(r"^[A-Z]\w*$|[\[\-]|^(?:str|int|float|bool|decimal|list|dict)$")


def _is_union_tag(part: int | str) -> bool:
    return isinstance(part, str) and _UNION_TAG.search(part) is not None


def _branch(loc: Sequence[int | str]) -> tuple[int | str, ...] | None:
    """The location of the union an error's branch belongs to; None outside a union."""
    for i, part in enumerate(loc):
        if _is_union_tag(part):
            return tuple(loc[:i])
    return None


def _wrong_type(err: dict[str, Any]) -> bool:
    return str(err.get("type", "")).endswith("_type")


def _union_errors(errors: Sequence[Any]) -> list[Any]:
    """A union reports one error per branch it tried. The branch the input was meant for (its
    error is about a field or a value, not the input's type) is the one to name; when every
    branch refused the input's type, one message says which types it may be."""
    meant: set[tuple[int | str, ...]] = set()
    for err in errors:
        branch = _branch(err.get("loc", ()))
        if branch is not None and not _wrong_type(err):
            meant.add(branch)
    kept: list[Any] = []
    for err in errors:
        branch = _branch(err.get("loc", ()))
        if branch is None or not _wrong_type(err):
            kept.append(err)
        elif branch not in meant:
            kept.append({**err, "loc": branch, "msg": "Must be text or an object"})
            meant.add(branch)  # one message per union
    return kept


def _field_message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "Unknown field"
    if kind == "missing":
        return "Field is required"
    if kind == "json_invalid":
        return "Invalid JSON: " + str(err.get("ctx", {}).get("error", "malformed body"))
    return str(err.get("msg", "Invalid value")).removeprefix("Value error, ")


def validation_details(errors: Sequence[Any]) -> dict[str, str]:
    details: dict[str, str] = {}
    for err in _union_errors(errors):
        # A malformed body's location is ("body", <character offset>), not a field.
        path = "body" if err.get("type") == "json_invalid" else _field_path(err.get("loc", ()))
        details.setdefault(path, _field_message(err))
    return details


async def _app_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = validation_details(exc.errors())
    return error_response(422, "validation_error", "Request validation failed", details)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path. Starlette's 405 names only the methods of
    the first route that matched the path, and each method of a resource is a route of its own."""
    path = request.scope["path"]
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.router.routes):
        if route.methods and (regex := getattr(route, "path_regex", None)) and regex.match(path):
            methods.update(route.methods)
    return sorted(methods)


def _serves(request: Request, path: str) -> bool:
    return any(
        route.methods and (regex := getattr(route, "path_regex", None)) and regex.match(path)
        for route in iter_route_contexts(request.app.router.routes)
    )


def suggested_path(request: Request) -> str | None:
    """The path a route would match under one of the app's prefixes (`app.state.api_prefixes`,
    tried in order): `/bookings` is `/api/v1/bookings`. A client that left the prefix out of
    its base URL learns the fix from its first 404."""
    path = request.scope["path"]
    for prefix in getattr(request.app.state, "api_prefixes", ()):
        if _serves(request, canonical_path(candidate := prefix + path)):
            return str(candidate)
    return None


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = STATUS_CODES.get(exc.status_code, "error")
    headers = dict(exc.headers or {})
    details: dict[str, Any] = {}
    sent = requested_path(request.scope)
    if exc.status_code == 404 and exc.detail == "Not Found":
        message = f"No route matches {request.method} {sent}"
        if (suggested := suggested_path(request)) is not None:
            message += f"; did you mean {request.method} {suggested}?"
            details["suggested_path"] = suggested
    elif exc.status_code == 405:
        message = f"Method {request.method} is not allowed on {sent}"
        headers["Allow"] = ", ".join(allowed_methods(request)) or headers.get("Allow", "")
    else:
        message = str(exc.detail)
    return error_response(exc.status_code, code, message, details, headers=headers)


async def _integrity_error(_request: Request, exc: Exception) -> Response:
    """A constraint caught what a service check let through (usually a race): a conflict."""
    log.warning("integrity error turned into 409: %s", exc)
    return error_response(409, "conflict", "The change conflicts with existing data")


DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout, ConnectionError)


def database_unavailable_response() -> JSONResponse:
    return error_response(
        503,
        "service_unavailable",
        "The database is unavailable; try again shortly",
        headers={"Retry-After": "5"},
    )


async def _database_unavailable(_request: Request, exc: Exception) -> Response:
    log.error("database unavailable: %s", exc)
    return database_unavailable_response()


def install_error_handlers(app: FastAPI) -> None:
    """Unhandled exceptions are rendered by the request-context middleware (kit/http.py)."""
    app.add_exception_handler(IntegrityError, _integrity_error)
    for unavailable in DATABASE_UNAVAILABLE:
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
