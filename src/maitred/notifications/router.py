"""/notifications (seed 000): send an SMS or an email by hand, and the history of what went
out; /public/unsubscribe, where a marketing email's link leads."""

from __future__ import annotations

import html
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.identity.deps import AuthContext, requires
from maitred.kit.clock import CalendarDate
from maitred.kit.deps import DbSession, database_of
from maitred.kit.errors import ErrorBody
from maitred.kit.list_params import CURSOR_SORTS, ListQuery, list_query
from maitred.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, CursorPage
from maitred.messaging import service as messaging_service
from maitred.notifications import service as notifications_service
from maitred.notifications.schemas import (
    EmailSend,
    MessageChannel,
    MessageStatus,
    NotificationRead,
    SmsSend,
    Unsubscribed,
)

router = APIRouter(prefix="/notifications", tags=["notifications"])
public_router = APIRouter(prefix="/public", tags=["notifications"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
    422: {"model": ErrorBody, "description": "A bad address, or an unknown booking or template"},
}
Reader = Annotated[AuthContext, requires("notifications:read")]
Writer = Annotated[AuthContext, requires("notifications:write")]


@router.post("/sms", status_code=201, response_model=NotificationRead, responses=ERRORS)
async def send_sms(body: SmsSend, auth: Writer, db: DbSession) -> dict[str, Any]:
    """Queued at once, sent by the worker: the answer's status is `queued`."""
    return await notifications_service.send_sms(db, auth, body)


@router.post("/email", status_code=201, response_model=NotificationRead, responses=ERRORS)
async def send_email(body: EmailSend, auth: Writer, db: DbSession) -> dict[str, Any]:
    """A template (`booking_confirmation`, …) rendered with `data`, or a `subject` and `body`
    of your own. Queued at once, sent by the worker."""
    return await notifications_service.send_email(db, auth, body)


CursorListing = Annotated[ListQuery, list_query(sorts=CURSOR_SORTS)]


@router.get("/history", response_model=CursorPage[NotificationRead], responses=ERRORS)
async def notification_history(
    auth: Reader,
    db: DbSession,
    listing: CursorListing,
    channel: MessageChannel | None = None,
    status: MessageStatus | None = None,
    booking_id: uuid.UUID | None = None,
    customer_id: uuid.UUID | None = None,
    date_from: Annotated[
        CalendarDate | None, Query(description="Queued on or after (local)")
    ] = None,
    date_to: Annotated[
        CalendarDate | None, Query(description="Queued on or before (local)")
    ] = None,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the page before")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Outbound messages, newest first."""
    filters = messaging_service.HistoryFilters(
        channel=channel.value if channel else None,
        status=status.value if status else None,
        booking_id=booking_id,
        customer_id=customer_id,
        date_from=date_from,
        date_to=date_to,
    )
    items, next_cursor = await notifications_service.history(
        db, auth.org_id, filters, cursor=cursor, limit=limit, listing=listing
    )
    return {"items": items, "next_cursor": next_cursor}


async def _write_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A writing transaction for a GET: following a link is how people unsubscribe."""
    async with database_of(request).transaction() as session:
        yield session


WriteSession = Annotated[AsyncSession, Depends(_write_session, scope="function")]
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Unsubscribed</title></head>
<body><p>{address} will get no more marketing email from us.</p>
<p>Messages about your bookings still reach you.</p></body></html>"""
UNSUBSCRIBED: dict[int | str, dict[str, Any]] = {
    200: {
        "model": Unsubscribed,
        "description": "A small page for a browser (`Accept: text/html`), else JSON",
        "content": {"text/html": {"schema": {"type": "string"}}},
    },
    422: {"model": ErrorBody, "description": "Not a valid link"},
}


@public_router.get("/unsubscribe", response_model=Unsubscribed, responses=UNSUBSCRIBED)
@public_router.post("/unsubscribe", response_model=Unsubscribed, responses=UNSUBSCRIBED)
async def unsubscribe(
    request: Request, db: WriteSession, token: Annotated[str, Query(max_length=2000)]
) -> Any:
    """The link of a marketing email (GET), or a mail client's one-click unsubscribe (POST,
    RFC 8058): the address gets no more marketing email. Following it again changes nothing."""
    done = await messaging_service.unsubscribe(db, token)
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(PAGE.format(address=html.escape(done.address)))
    return {"unsubscribed": True, "channel": done.channel, "address": done.address}
