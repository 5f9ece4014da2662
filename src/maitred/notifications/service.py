"""Messages staff send by hand (seed 000's POST /notifications/sms and /email) and the history of
everything sent. Sending only queues: the worker delivers, so a slow provider never holds up a
request, and the answer is the queued message."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.customers import service as customers_service
from maitred.identity.deps import AuthContext
from maitred.kit import i18n
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.kit.list_params import NEWEST_FIRST, ListQuery
from maitred.messaging import service as messaging_service
from maitred.notifications.automatic import render_for
from maitred.notifications.defaults import NOTIFICATIONS
from maitred.notifications.facts import booking_facts, business, customer_language
from maitred.notifications.schemas import EmailSend, SmsSend

if TYPE_CHECKING:
    from maitred.messaging.models import Message


def read_message(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "channel": message.channel,
        "to": message.contact,
        "status": message.status,
        "category": message.category,
        "template": message.template,
        "subject": message.subject,
        "body_text": messaging_service.visible_body(message),
        "booking_id": message.booking_id,
        "customer_id": message.customer_id,
        "provider": message.provider,
        "error": message.error,
        "attempts": message.attempts,
        "sent_at": message.sent_at,
        "delivered_at": message.delivered_at,
        "failed_at": message.failed_at,
        "created_at": message.created_at,
    }


async def _about(
    session: AsyncSession,
    organization_id: uuid.UUID,
    booking_id: uuid.UUID | None,
    customer_id: uuid.UUID | None,
) -> uuid.UUID | None:
    """The customer a message is about (the booking's, unless named), checking both ids belong
    to the organization."""
    if booking_id is not None:
        viewer = bookings_service.Viewer(organization_id, user_id=None, is_customer=False)
        try:
            booking = await bookings_service.get_booking(session, viewer, booking_id)
        except NotFound:
            raise ValidationFailed(details={"booking_id": "No such booking"}) from None
        customer_id = customer_id or booking["customer_id"]
    if customer_id is not None:
        try:
            await customers_service.brief(
                session, organization_id=organization_id, customer_id=customer_id
            )
        except NotFound:
            raise ValidationFailed(details={"customer_id": "No such customer"}) from None
    return customer_id


async def send_sms(session: AsyncSession, auth: AuthContext, body: SmsSend) -> dict[str, Any]:
    customer_id = await _about(session, auth.org_id, body.booking_id, body.customer_id)
    message = await messaging_service.queue_message(
        session,
        auth.org_id,
        messaging_service.Outgoing(
            channel="sms",
            to=body.to,
            body_text=body.message.strip(),
            customer_id=customer_id,
            booking_id=body.booking_id,
            created_by=auth.user_id,
        ),
    )
    return read_message(message)


async def _template_data(
    session: AsyncSession,
    organization_id: uuid.UUID,
    body: EmailSend,
    customer_id: uuid.UUID | None,
) -> tuple[dict[str, Any], str]:
    """The booking's facts (when it names one) and the business name, under the caller's; and
    the language the customer reads (else the organization's)."""
    owner = await business(session, organization_id)
    if owner is None:
        return dict(body.data), i18n.DEFAULT
    data: dict[str, Any] = {"business_name": owner.name}
    language = await customer_language(session, organization_id, customer_id, owner)
    if body.booking_id is not None:
        facts = await booking_facts(session, organization_id, body.booking_id, owner)
        data |= facts.data if facts else {}
    return data | body.data, language


async def send_email(session: AsyncSession, auth: AuthContext, body: EmailSend) -> dict[str, Any]:
    if (body.template is None) == (body.body is None):
        raise ValidationFailed(details={"template": "Give either a template or a body"})
    customer_id = await _about(session, auth.org_id, body.booking_id, body.customer_id)
    if body.template is not None:
        if body.template not in NOTIFICATIONS:
            choices = ", ".join(NOTIFICATIONS)
            raise ValidationFailed(details={"template": f"Use one of: {choices}"})
        data, language = await _template_data(session, auth.org_id, body, customer_id)
        rendered = await render_for(session, auth.org_id, body.template, "email", data, language)
        subject, text, html = rendered.subject, rendered.body_text, rendered.body_html
    else:
        subject, text, html = (body.subject or "").strip(), (body.body or "").strip(), body.html
        if not subject:
            raise ValidationFailed(details={"subject": "An email needs a subject"})
    message = await messaging_service.queue_message(
        session,
        auth.org_id,
        messaging_service.Outgoing(
            channel="email",
            to=body.to,
            subject=(body.subject or subject).strip(),
            body_text=text,
            body_html=html,
            template=body.template,
            category=body.category.value,
            customer_id=customer_id,
            booking_id=body.booking_id,
            created_by=auth.user_id,
        ),
    )
    return read_message(message)


async def history(
    session: AsyncSession,
    organization_id: uuid.UUID,
    filters: messaging_service.HistoryFilters,
    *,
    cursor: str | None,
    limit: int,
    listing: ListQuery = NEWEST_FIRST,
) -> tuple[Sequence[dict[str, Any]], str | None]:
    rows, next_cursor = await messaging_service.outbound_history(
        session, organization_id, filters, cursor=cursor, limit=limit, listing=listing
    )
    return [read_message(row) for row in rows], next_cursor
