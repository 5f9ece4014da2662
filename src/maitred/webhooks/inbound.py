"""Webhooks in: a provider callback whose signature checked out is stored once per provider
event id, for audit and so that a replay (providers retry) changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.errors import Unauthorized
from maitred.webhooks.models import InboundWebhook

# Never stored: they authenticate the caller.
_SECRET_HEADERS = frozenset(
    {
        "authorization",
        "cookie",
        "x-telegram-bot-api-secret-token",
        "verification-token",
        "validation-token",
    }
)


class WebhookSignatureInvalid(Unauthorized):
    """A provider callback whose signature or token is missing or wrong: 401, and nothing of it
    is kept (raise it before `store_once`)."""

    message = "The webhook signature is missing or invalid"


async def store_once(
    session: AsyncSession,
    *,
    provider: str,
    event_id: str,
    event_type: str,
    payload: dict[str, Any],
    headers: dict[str, str] | None = None,
    organization_id: uuid.UUID | None = None,
) -> InboundWebhook | None:
    """The stored callback, or None when this provider's event id was stored before (then the
    caller answers 200 and does nothing more)."""
    row = InboundWebhook(
        organization_id=organization_id,
        provider=provider,
        event_id=event_id[:200],
        event_type=event_type[:100],
        headers={
            k.lower(): v for k, v in (headers or {}).items() if k.lower() not in _SECRET_HEADERS
        },
        payload=payload,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return None
    return row
