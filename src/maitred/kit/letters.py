"""Letters: how a domain below messaging (identity's password links, customers' verification
codes) queues a message without importing messaging, which imports them (customers, bookings).

Messaging installs its queue at import; every process that serves requests or runs the worker
imports it through `maitred.domains`.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

# Keys of `Outgoing.meta` for a message that carries a secret (messaging/secret_bodies.py).
SECRET = "holds_secret"
READABLE = "readable_in_history"


@dataclass(frozen=True)
class Outgoing:
    """What to send, to whom, and what it is about."""

    channel: str
    to: str
    body_text: str
    subject: str = ""
    body_html: str | None = None
    content_type: str = "text"
    template: str | None = None
    category: str = "transactional"
    contact_name: str = ""
    customer_id: uuid.UUID | None = None
    booking_id: uuid.UUID | None = None
    lead_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    # A message that must go out once (a reminder): queueing it again returns the first.
    dedupe_key: str | None = None
    send_after: datetime | None = None
    created_by: uuid.UUID | None = None
    meta: dict[str, Any] | None = None
    # Written by the assistant; a draft waits in the inbox until staff send it.
    ai_generated: bool = False
    draft: bool = False


def secret_meta(*, readable_in_history: bool) -> dict[str, bool]:
    """The `meta` of a message that holds a secret (a one-time link or code)."""
    return {SECRET: True, READABLE: readable_in_history}


Queue = Callable[[AsyncSession, uuid.UUID, Outgoing], Awaitable[object]]
_queue: Queue | None = None


def install_queue(queue_message: Queue) -> None:
    global _queue
    _queue = queue_message


async def queue(session: AsyncSession, organization_id: uuid.UUID, outgoing: Outgoing) -> None:
    """Queues the message in the caller's transaction (the worker sends it after commit)."""
    if _queue is None:
        raise RuntimeError("maitred.messaging is not imported: no queue for messages")
    await _queue(session, organization_id, outgoing)
