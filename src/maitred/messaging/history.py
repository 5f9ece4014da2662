"""What has been sent: outbound messages, newest first, by cursor (GET /notifications/history).

The list only grows, so it pages by (created_at, id) rather than by offset: a message queued
while someone reads never shifts or repeats what they see. Dates are the organization's days.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.clock import local_days
from maitred.kit.errors import ValidationFailed
from maitred.kit.list_params import NEWEST_FIRST, ListQuery
from maitred.kit.pagination import paginate_by_cursor
from maitred.messaging.contacts import CHANNELS
from maitred.messaging.models import Message
from maitred.messaging.repository import MessageRepository
from maitred.tenancy import service as tenancy_service

OUTBOUND_STATUSES = (
    "queued",
    "sending",
    "sent",
    "delivered",
    "failed",
    "suppressed",
    "skipped",
)


@dataclass(frozen=True)
class HistoryFilters:
    channel: str | None = None
    status: str | None = None
    booking_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None
    date_from: date | None = None
    date_to: date | None = None


def _checked(filters: HistoryFilters) -> None:
    details: dict[str, str] = {}
    if filters.channel is not None and filters.channel not in CHANNELS:
        details["channel"] = f"Use one of: {', '.join(CHANNELS)}"
    if filters.status is not None and filters.status not in OUTBOUND_STATUSES:
        details["status"] = f"Use one of: {', '.join(OUTBOUND_STATUSES)}"
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        details["date_to"] = "Must not be before date_from"
    if details:
        raise ValidationFailed(details=details)


async def outbound_history(
    session: AsyncSession,
    organization_id: uuid.UUID,
    filters: HistoryFilters,
    *,
    cursor: str | None,
    limit: int,
    listing: ListQuery = NEWEST_FIRST,
) -> tuple[Sequence[Message], str | None]:
    """One page of outbound messages and the cursor of the next (None on the last page)."""
    _checked(filters)
    statement = MessageRepository(session, organization_id).scoped()
    statement = statement.where(Message.direction == "outbound")
    if filters.channel is not None:
        statement = statement.where(Message.channel == filters.channel)
    if filters.status is not None:
        statement = statement.where(Message.status == filters.status)
    if filters.booking_id is not None:
        statement = statement.where(Message.booking_id == filters.booking_id)
    if filters.customer_id is not None:
        statement = statement.where(Message.customer_id == filters.customer_id)
    if filters.date_from is not None or filters.date_to is not None:
        organization = await tenancy_service.get(session, organization_id)
        zone = organization.timezone if organization else "UTC"
        since, until = local_days(filters.date_from, filters.date_to, zone)
        if since is not None:
            statement = statement.where(Message.created_at >= since)
        if until is not None:
            statement = statement.where(Message.created_at < until)
    return await paginate_by_cursor(
        session,
        statement,
        created_at=Message.created_at,
        row_id=Message.id,
        cursor=cursor,
        limit=limit,
        **listing.cursor_bounds(
            await tenancy_service.created_window(session, organization_id, listing)
        ),
    )
