"""Sending one automatic notification: rendered from the organization's wording (or the
built-in) in the recipient's language, queued once per channel the settings allow and the
recipient has an address for.

Every message has a dedupe key made from what it is about, so a repeated delivery of the event
that caused it queues nothing new. A custom template that fails on real data falls back to the
built-in wording: the customer still hears from the business, and the failure is logged.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import i18n
from maitred.kit.errors import ValidationFailed
from maitred.messaging import service as messaging_service
from maitred.notifications import templates
from maitred.notifications.facts import Business, Facts
from maitred.notifications.rendering import Rendered, render

log = logging.getLogger("maitred.notifications")


async def render_for(
    session: AsyncSession,
    organization_id: uuid.UUID,
    name: str,
    channel: str,
    data: Mapping[str, Any],
    language: str = i18n.DEFAULT,
) -> Rendered:
    source = await templates.source_for(session, organization_id, name, channel, language)
    try:
        return render(source, data, strict=False)
    except ValidationFailed as exc:
        log.warning(
            "template %s (%s, %s) of organization %s failed, using the built-in: %s",
            name,
            channel,
            language,
            organization_id,
            exc.details,
        )
        return render(templates.notification(name).source(channel, language), data, strict=False)


async def send_automatic(
    session: AsyncSession,
    organization_id: uuid.UUID,
    owner: Business,
    name: str,
    facts: Facts,
    *,
    dedupe: str,
) -> int:
    """How many messages were queued (or found queued already under their dedupe key)."""
    recipient = facts.recipient
    outgoings = []
    for channel in owner.settings.channels:
        address = recipient.email if channel == "email" else recipient.phone
        if not address:
            continue
        rendered = await render_for(
            session, organization_id, name, channel, facts.data, recipient.language
        )
        outgoings.append(
            messaging_service.Outgoing(
                channel=channel,
                to=address,
                subject=rendered.subject if channel == "email" else "",
                body_text=rendered.body_text,
                body_html=rendered.body_html if channel == "email" else None,
                template=name,
                category="transactional",
                contact_name=recipient.name,
                customer_id=recipient.customer_id,
                booking_id=facts.booking_id,
                lead_id=recipient.lead_id,
                dedupe_key=f"{dedupe}:{channel}",
            )
        )
    if not outgoings:
        return 0
    # An address a channel cannot use is left out (and logged); the others still go.
    return await messaging_service.queue_to_customer(session, organization_id, outgoings)
