"""/messages (seed 003): the shared inbox, conversations, sending, read marks and figures.

Seed 003 puts a project id in every path (`/messages/{project_id}/inbox`); here the organization
comes from the caller, as everywhere else in maitred.
"""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Response, UploadFile

from maitred.bookings import service as bookings_service
from maitred.files.checks import MEDIA_TYPES
from maitred.files.responses import binary_answer, file_response
from maitred.files.uploads import UploadRoute, read_upload
from maitred.identity.deps import AuthContext, requires
from maitred.kit.deps import AppSettings, DbSession
from maitred.kit.errors import ErrorBody
from maitred.kit.list_params import CURSOR_SORTS, ListQuery, list_query
from maitred.kit.pagination import MAX_LIMIT, CursorPage, Page, Pagination
from maitred.messaging import attachments, inbox, inbox_stats
from maitred.messaging.inbox_schemas import (
    AttachmentRead,
    Channel,
    ConversationDetail,
    ConversationRead,
    Direction,
    DraftSend,
    MessageRead,
    MessageSend,
    StatsSummary,
)

router = APIRouter(prefix="/messages", tags=["messages"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
    404: {"model": ErrorBody, "description": "No such message or conversation here"},
}
Reader = Annotated[AuthContext, requires("messages:read")]
Writer = Annotated[AuthContext, requires("messages:write")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Days = Annotated[int | None, Query(ge=1, le=3660, description="Only the last N days")]


CursorListing = Annotated[ListQuery, list_query(sorts=CURSOR_SORTS)]
ConversationListing = Annotated[
    ListQuery,
    list_query(
        sorts=inbox.CONVERSATION_SORT_FIELDS,
        default_sort="last_message_at",
        search="Part of the name shown",
        ascending_by_default=("display_name",),
    ),
]


@router.get("/inbox", response_model=CursorPage[MessageRead], responses=ERRORS)
async def get_inbox(
    auth: Reader,
    db: DbSession,
    listing: CursorListing,
    direction: Direction | None = None,
    channel: Channel | None = None,
    provider: Annotated[
        str | None,
        Query(max_length=32, description="A provider (twilio) or, as in seed 003, a channel"),
    ] = None,
    customer_id: uuid.UUID | None = None,
    booking_id: uuid.UUID | None = None,
    order_id: uuid.UUID | None = None,
    is_read: bool | None = None,
    drafts: Annotated[
        bool,
        Query(description="true: only the assistant's drafts waiting for staff to send them"),
    ] = False,
    days: Days = None,
    cursor: str | None = None,
    limit: Limit = 20,
) -> dict[str, Any]:
    """Every message in and out, newest first; page on with `cursor=<next_cursor>`. The
    assistant's drafts are listed with `drafts=true`, and in their conversation."""
    items, next_cursor = await inbox.list_inbox(
        db,
        auth.org_id,
        cursor=cursor,
        limit=limit,
        days=days,
        listing=listing,
        direction=direction.value if direction else None,
        channel=channel.value if channel else None,
        provider=provider.lower() if provider else None,
        customer_id=customer_id,
        booking_id=booking_id,
        order_id=order_id,
        is_read=is_read,
        drafts=drafts,
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/conversations", response_model=Page[ConversationRead], responses=ERRORS)
async def list_conversations(
    auth: Reader, db: DbSession, pagination: Pagination, listing: ConversationListing
) -> dict[str, Any]:
    """The most recent activity first, each with its unread count."""
    rows, info = await inbox.list_conversations(db, auth.org_id, pagination, listing)
    return {"items": [inbox.conversation_view(row) for row in rows], "pagination": info}


@router.get("/conversations/{conversation_id}", response_model=ConversationDetail, responses=ERRORS)
async def get_conversation(
    conversation_id: uuid.UUID,
    auth: Reader,
    db: DbSession,
    listing: CursorListing,
    cursor: str | None = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    """The thread and its messages, newest first; older ones with `cursor=<next_cursor>`."""
    return await inbox.get_conversation(
        db, auth.org_id, conversation_id, cursor=cursor, limit=limit, listing=listing
    )


@router.post("/send", status_code=201, response_model=MessageRead, responses=ERRORS)
async def send_message(body: MessageSend, auth: Writer, db: DbSession) -> dict[str, Any]:
    """Queues the message; the worker sends it. A `booking_id` must be one of this
    organization's bookings, and links the message to its customer."""
    customer_id = None
    if body.booking_id is not None:
        viewer = bookings_service.viewer_of(auth)
        booking = await bookings_service.get_booking(db, viewer, body.booking_id)
        customer_id = booking["customer_id"]
    return await inbox.send(
        db,
        auth.org_id,
        channel=body.channel.value,
        recipient=body.recipient.model_dump(),
        content=body.content,
        content_type=body.content_type,
        subject=body.subject,
        category=body.category.value,
        booking_id=body.booking_id,
        order_id=body.order_id,
        customer_id=customer_id,
        created_by=auth.user_id,
        attachment_ids=body.attachment_ids,
    )


UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    413: {"model": ErrorBody, "description": "The file is larger than MAITRED_UPLOAD_MAX_BYTES"},
    415: {"model": ErrorBody, "description": "Not an image, PDF, audio or video file"},
}


async def upload_attachment(
    auth: Writer,
    db: DbSession,
    settings: AppSettings,
    file: Annotated[
        UploadFile | None,
        File(description="JPEG, PNG, GIF, WebP, PDF, OGG, MP3, M4A or MP4 (by its bytes)"),
    ] = None,
) -> dict[str, Any]:
    """multipart/form-data with the file as `file`; name its `id` in `attachment_ids` of
    POST /messages/send. Images lose their metadata (EXIF, GPS)."""
    data, name = await read_upload(file, settings)
    return await attachments.upload(
        db, settings, auth.org_id, data=data, name=name, created_by=auth.user_id
    )


router.add_api_route(
    "/attachments",
    upload_attachment,
    methods=["POST"],
    status_code=201,
    response_model=AttachmentRead,
    responses=UPLOAD_ERRORS,
    route_class_override=UploadRoute,
)


@router.get(
    "/{message_id}/attachments/{attachment_id}",
    response_class=Response,
    responses={**binary_answer("The file, as a download", MEDIA_TYPES), **ERRORS},
)
async def download_attachment(
    message_id: uuid.UUID,
    attachment_id: uuid.UUID,
    auth: Reader,
    db: DbSession,
    settings: AppSettings,
) -> Response:
    stored, data = await attachments.download(
        db, settings, auth.org_id, message_id=message_id, attachment_id=attachment_id
    )
    return file_response(stored, data, public=False, download=True)


@router.patch("/{message_id}/read", response_model=MessageRead, responses=ERRORS)
async def mark_message_read(message_id: uuid.UUID, auth: Writer, db: DbSession) -> dict[str, Any]:
    """Idempotent: the conversation's unread count drops the first time only."""
    return await inbox.mark_read(db, auth.org_id, message_id)


@router.post("/{message_id}/send", response_model=MessageRead, responses=ERRORS)
async def send_assistant_draft(
    message_id: uuid.UUID, auth: Writer, db: DbSession, body: DraftSend | None = None
) -> dict[str, Any]:
    """Sends a draft the assistant wrote (`status: draft`), as written or with `content`
    instead; 409 when it is not a draft (already sent)."""
    return await inbox.send_draft(
        db, auth.org_id, message_id, content=body.content if body else None, user_id=auth.user_id
    )


@router.get("/stats/summary", response_model=StatsSummary, responses=ERRORS)
async def message_stats(
    auth: Reader,
    db: DbSession,
    days: Annotated[int, Query(ge=1, le=3660)] = 30,
) -> dict[str, Any]:
    return await inbox_stats.summary(db, auth.org_id, days=days)
