"""What goes into the audit log, and how admins read it back.

Rows are written by the audit middleware in a transaction of their own, after the response:
one per event the request's services named (`kit.auditnote.record`), or one generic row named
after the route when they named none. A row says which fields a request sent but keeps the
values of a few harmless ones only: the log must never become a second copy of passwords,
tokens or personal data.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

import orjson
from sqlalchemy import Select, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.audit.models import AuditLog
from maitred.kit.auditnote import AuditEvent, AuditNote
from maitred.kit.clock import utcnow
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.kit.list_params import NEWEST_FIRST, ListQuery
from maitred.kit.pagination import paginate_by_cursor
from maitred.kit.writes import WriteStatement
from maitred.tenancy import memberships
from maitred.tenancy import service as tenancy_service

MAX_BODY = 64 * 1024
VALUED_FIELDS = frozenset(
    {
        "role",
        "status",
        "crm_status",
        "is_active",
        "scopes",
        "timezone",
        "currency",
        "locale",
        "country",
        "guest_count",
        "event_type",
        "channel",
        "provider",
        "everywhere",
        "expires_at",
    }
)
SECRET_MARKERS = (
    "password",
    "token",
    "secret",
    "key",
    "code",
    "card",
    "cvc",
    "otp",
    "authorization",
)
MAX_FIELDS, MAX_DEPTH, MAX_NAME, MAX_VALUE, MAX_LIST = 100, 3, 64, 200, 50
VERBS = {"POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}
UNCOUNTABLE = frozenset({"analytics", "auth", "settings", "status", "monitoring"})
_UUID = re.compile(r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$")
_UNKEPT = object()


def looks_secret(name: str) -> bool:
    lowered = name.lower()
    return any(marker in lowered for marker in SECRET_MARKERS)


def summarize_body(body: bytes | None) -> dict[str, Any]:
    """The names of the fields a JSON object body sent (nested ones as `parent.child`), and the
    values of allow-listed top-level fields only. Anything else (not JSON, not an object, over
    `MAX_BODY`, passed as None) says nothing."""
    if not body or len(body) > MAX_BODY:
        return {"fields": []}
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return {"fields": []}
    if not isinstance(parsed, dict):
        return {"fields": []}
    fields: list[str] = []
    _collect_names(parsed, "", fields, depth=1)
    summary: dict[str, Any] = {"fields": fields}
    for name, value in parsed.items():
        if name in VALUED_FIELDS and not looks_secret(name):
            kept = _harmless(value)
            if kept is not _UNKEPT:
                summary[name] = kept
    return summary


def _collect_names(obj: dict[str, Any], prefix: str, fields: list[str], *, depth: int) -> None:
    for name, value in obj.items():
        if len(fields) >= MAX_FIELDS:
            return
        qualified = prefix + str(name)[:MAX_NAME]
        fields.append(qualified)
        if isinstance(value, dict) and depth < MAX_DEPTH:
            _collect_names(value, qualified + ".", fields, depth=depth + 1)


def _scalar(value: object) -> object:
    if isinstance(value, str):
        return value[:MAX_VALUE]
    if value is None or isinstance(value, bool | int | float):
        return value
    return _UNKEPT


def _harmless(value: object) -> object:
    """A scalar, or a short list of scalars (`scopes`); never an object."""
    if isinstance(value, list):
        items = [_scalar(item) for item in value[:MAX_LIST]]
        return _UNKEPT if any(item is _UNKEPT for item in items) else items
    return _scalar(value)


@dataclass(frozen=True)
class RouteFacts:
    action: str
    resource_type: str
    resource_id: str


def _api_segments(path: str) -> list[str]:
    segments = [segment for segment in path.split("/") if segment]
    if segments[:2] == ["api", "v1"]:
        return segments[2:]
    return segments[1:] if segments[:1] == ["api"] else segments


def singular(name: str) -> str:
    """Naive on purpose: route names are regular plurals (locations, api_keys, categories)."""
    if name in UNCOUNTABLE:
        return name
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith(("sses", "xes", "ches", "shes")):
        return name[:-2]
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


def describe_route(method: str, path: str, template: str | None = None) -> RouteFacts:
    """The generic name of a request nothing recorded: `POST /api/v1/locations` is
    `locations.create`, `POST /api/v1/auth/logout` is `auth.logout` (a POST to a named
    sub-path is that action), `PATCH /api/v1/auth/me` is `auth.me_update`. `template` is the
    matched route's path, with or without the /api prefix (`/locations/{location_id}`), so
    slugs are not taken for names."""
    verb = VERBS.get(method, method.lower())
    names = [
        segment.replace("-", "_").lower()
        for segment in _api_segments(template or path)
        if not segment.startswith("{") and not _UUID.match(segment)
    ]
    resource_id = next((s for s in _api_segments(path) if _UUID.match(s)), "")
    if not names:
        return RouteFacts(f"api.{verb}", "", resource_id)
    resource, sub = names[0], "_".join(names[1:])
    if not sub:
        action = f"{resource}.{verb}"
    elif method == "POST":
        action = f"{resource}.{sub}"
    else:
        action = f"{resource}.{sub}_{verb}"
    return RouteFacts(action[:100], singular(resource)[:50], resource_id[:64])


@dataclass(frozen=True)
class AuditedRequest:
    """What the middleware saw of one request."""

    method: str
    path: str
    status_code: int
    ip: str
    user_agent: str
    request_id: str
    body: bytes | None
    route_template: str | None = None


def entries_for(note: AuditNote, request: AuditedRequest) -> list[dict[str, Any]]:
    """The rows of one request, as column values (written with one Core INSERT)."""
    route = describe_route(request.method, request.path, request.route_template)
    summary = summarize_body(request.body)
    events = note.events or [AuditEvent(action=route.action)]
    now = utcnow()
    # A microsecond apart, so the log reads back (newest first) in the order events happened.
    return [
        {
            "id": uuid.uuid4(),
            "created_at": now + timedelta(microseconds=order),
            "updated_at": now + timedelta(microseconds=order),
            "organization_id": event.organization_id or note.organization_id,
            "actor_user_id": event.actor_user_id or note.actor_user_id,
            "actor_api_key_id": note.actor_api_key_id,
            "action": event.action[:100],
            "resource_type": (event.resource_type or route.resource_type)[:50],
            "resource_id": (event.resource_id or route.resource_id)[:64],
            "method": request.method[:10],
            "path": request.path[:300],
            "status_code": request.status_code,
            "ip": request.ip[:64],
            "user_agent": request.user_agent[:300],
            "request_id": request.request_id[:128],
            "changes": {**summary, **event.changes},
        }
        for order, event in enumerate(events)
    ]


# Every audited request writes here after its answer: Core, not the ORM (ARCHITECTURE.md, Hot
# paths), since nothing reads the rows back in the same session.
_INSERT = WriteStatement(insert(cast(Table, AuditLog.__table__)))


async def insert_entries(session: AsyncSession, entries: list[dict[str, Any]]) -> None:
    """Adds rows made by `entries_for` (of one request or several). An event about a known user
    outside any organization (a failed sign-in) goes to that user's organization when they have
    exactly one, so its admins see attempts on their accounts."""
    for entry in entries:
        if entry["organization_id"] is None and entry["actor_user_id"] is not None:
            held = await memberships.active_of(session, entry["actor_user_id"])
            if len(held) == 1:
                entry["organization_id"] = held[0].organization_id
    await _INSERT.run_many(session, entries)


@dataclass(frozen=True)
class AuditFilters:
    actor_user_id: uuid.UUID | None = None
    action: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    status_code: int | None = None


def parse_moment(text: str | None, *, field: str, end_of_day: bool = False) -> datetime | None:
    """An ISO date or datetime, UTC unless it says otherwise. A bare date as an upper bound
    means the whole of that day."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time.min, tzinfo=UTC)
            return moment + timedelta(days=1, microseconds=-1) if end_of_day else moment
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            details={field: "Use an ISO date (2025-10-25) or datetime (2025-10-25T10:30:00Z)"}
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _scoped(organization_id: uuid.UUID) -> Select[AuditLog]:
    return select(AuditLog).where(AuditLog.organization_id == organization_id)


def _filtered(statement: Select[AuditLog], filters: AuditFilters) -> Select[AuditLog]:
    if filters.actor_user_id is not None:
        statement = statement.where(AuditLog.actor_user_id == filters.actor_user_id)
    if filters.action:
        if filters.action.endswith("*"):
            prefix = filters.action.rstrip("*")
            statement = statement.where(AuditLog.action.startswith(prefix, autoescape=True))
        else:
            statement = statement.where(AuditLog.action == filters.action)
    if filters.resource_type:
        statement = statement.where(AuditLog.resource_type == filters.resource_type)
    if filters.resource_id:
        statement = statement.where(AuditLog.resource_id == filters.resource_id)
    if filters.date_from is not None:
        statement = statement.where(AuditLog.created_at >= filters.date_from)
    if filters.date_to is not None:
        statement = statement.where(AuditLog.created_at <= filters.date_to)
    if filters.status_code is not None:
        statement = statement.where(AuditLog.status_code == filters.status_code)
    return statement


async def list_entries(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    filters: AuditFilters,
    cursor: str | None,
    limit: int,
    listing: ListQuery = NEWEST_FIRST,
) -> tuple[Sequence[AuditLog], str | None]:
    """Newest first (or oldest, `sort_order=asc`); only the organization's own rows (platform
    rows have none)."""
    window = await tenancy_service.created_window(session, organization_id, listing)
    return await paginate_by_cursor(
        session,
        _filtered(_scoped(organization_id), filters),
        created_at=AuditLog.created_at,
        row_id=AuditLog.id,
        cursor=cursor,
        limit=limit,
        **listing.cursor_bounds(window),
    )


async def get_entry(
    session: AsyncSession, *, organization_id: uuid.UUID, entry_id: uuid.UUID
) -> AuditLog:
    found = await session.scalar(_scoped(organization_id).where(AuditLog.id == entry_id))
    if found is None:
        raise NotFound("No such audit log entry")
    return found
