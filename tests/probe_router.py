"""A test-only router for kit mechanisms no production route reaches yet, and the envelope check.

`install_probe(app)` mounts it under /api/v1 on one app instance (before its first request) and
returns that app's controls, so tests never share mutable state.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

import httpx
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import BigInteger, cast, literal, select

from maitred.kit.deps import DbSession
from maitred.kit.enums import CaseInsensitiveEnum
from maitred.kit.errors import AlreadyExists, ErrorBody, InvalidState, NotFound
from maitred.kit.money import Money, MoneyColumn
from maitred.kit.pagination import (
    MAX_LIMIT,
    CursorPage,
    Page,
    Pagination,
    paginate,
    paginate_by_cursor,
    parse_sort,
)
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization

PREFIX = "/probe"
router = APIRouter(prefix=PREFIX, tags=["probe"])


@dataclass
class ProbeControls:
    """What a test can steer: hold a handler at a gate, or make its next calls fail."""

    entered: asyncio.Event = field(default_factory=asyncio.Event)
    gate: asyncio.Event | None = None
    failures_left: int = 0
    calls: int = 0


def controls(request: Request) -> ProbeControls:
    probe: ProbeControls = request.app.state.probe
    return probe


class OrganizationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    country: str = Field(default="US", min_length=2, max_length=2)


class OrganizationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    slug: str
    created_at: datetime


@router.post("/organizations", status_code=201, response_model=OrganizationOut)
async def probe_create_organization(
    body: OrganizationIn, request: Request, db: DbSession
) -> object:
    """Writes one organization row; waits at the gate first (before touching the database)."""
    probe = controls(request)
    probe.calls += 1
    probe.entered.set()
    if probe.gate is not None:
        await probe.gate.wait()
    organization = await tenancy_service.create(db, name=body.name, country=body.country)
    if probe.failures_left > 0:
        probe.failures_left -= 1
        raise RuntimeError("probe failure: secret-token-do-not-leak SELECT * FROM organizations")
    return organization


@router.get("/organizations", response_model=Page[OrganizationOut])
async def probe_list_organizations(
    db: DbSession,
    pagination: Pagination,
    sort: str | None = None,
    order: str | None = None,
) -> dict[str, object]:
    chosen = parse_sort(
        sort,
        order,
        {"name": Organization.name, "created_at": Organization.created_at},
        default="created_at",
    )
    column = chosen.column.desc() if chosen.descending else chosen.column.asc()
    statement = select(Organization).order_by(column, Organization.id)
    items, info = await paginate(db, statement, pagination)
    return {"items": items, "pagination": info}


@router.get("/organizations/feed", response_model=CursorPage[OrganizationOut])
async def organization_feed(
    db: DbSession,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
) -> dict[str, object]:
    items, next_cursor = await paginate_by_cursor(
        db,
        select(Organization),
        created_at=Organization.created_at,
        row_id=Organization.id,
        cursor=cursor,
        limit=limit,
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/errors/{kind}",
    response_model=OrganizationOut,
    responses={404: {"model": ErrorBody}, 409: {"model": ErrorBody}},
)
async def raise_error(kind: str) -> object:
    if kind == "not-found":
        raise NotFound("No such booking")
    if kind == "already-exists":
        raise AlreadyExists(details={"email": "Already registered"})
    if kind == "invalid-state":
        raise InvalidState("Booking is already cancelled", details={"status": "cancelled"})
    raise RuntimeError(f"unexpected probe kind {kind}: password=hunter2")


class AmountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: Money


class AmountOut(BaseModel):
    amount: Money
    minor_units: int


@router.post("/money", response_model=AmountOut)
async def store_money(body: AmountIn, db: DbSession) -> AmountOut:
    """Sends the amount through MoneyColumn to the database and back, and reads the cents."""
    as_money = literal(body.amount, MoneyColumn())
    amount = (await db.execute(select(as_money))).scalar_one()
    minor_units = (await db.execute(select(cast(as_money, BigInteger)))).scalar_one()
    return AmountOut(amount=amount, minor_units=minor_units)


@router.post("/exports", response_class=StreamingResponse)
async def export_cut_short() -> StreamingResponse:
    """Starts a 200 response, then fails halfway through its body."""

    async def rows() -> AsyncIterator[bytes]:
        yield b"id,name\n"
        raise RuntimeError("export failed halfway")

    return StreamingResponse(rows(), media_type="text/csv")


class BookingStatus(CaseInsensitiveEnum):
    pending = "pending"
    confirmed = "confirmed"
    no_show = "no_show"


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: BookingStatus


@router.post("/statuses", response_model=StatusIn)
async def echo_status(body: StatusIn, status: BookingStatus | None = None) -> StatusIn:
    """Echoes the body's status, or the `status` query parameter when given."""
    return StatusIn(status=status or body.status)


def install_probe(app: FastAPI) -> ProbeControls:
    app.include_router(router, prefix="/api/v1")
    probe = ProbeControls()
    app.state.probe = probe
    return probe


ENVELOPE_FIELDS = {"error", "message", "details", "request_id", "timestamp"}
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")


def error_of(response: httpx.Response) -> dict[str, object]:
    """The error envelope without its per-request fields, once those are checked: exactly the
    five fields, the request id of the `X-Request-ID` header, a UTC timestamp."""
    body = response.json()
    assert set(body) == ENVELOPE_FIELDS
    assert body["request_id"] == response.headers["x-request-id"]
    assert TIMESTAMP.fullmatch(body["timestamp"])
    return {"error": body["error"], "message": body["message"], "details": body["details"]}
