"""A period of the inbox in figures (seed 003's /stats/summary): what went out and came in per
channel, what failed, what is still unread, and how fast customers got an answer.

First-response time is measured per run of customer messages: from the first message nobody
has answered yet to our next message in the same conversation. Three quick texts followed by
one reply are one wait, not three.
"""

from __future__ import annotations

import statistics
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.clock import utcnow
from maitred.messaging.inbox_repository import InboxMessages

# Everything that goes or went out: not failed, not suppressed by an opt-out, not skipped.
SENT_STATUSES = ("queued", "sending", "sent", "delivered")


def first_response_waits(timeline: Iterable[Sequence[Any]]) -> list[float]:
    """Seconds waited, from (conversation_id, direction, created_at) rows in thread order."""
    waits: list[float] = []
    thread: uuid.UUID | None = None
    waiting_since: datetime | None = None
    for conversation_id, direction, created_at in timeline:
        if conversation_id != thread:
            thread, waiting_since = conversation_id, None
        if direction == "inbound":
            waiting_since = waiting_since or created_at
        elif waiting_since is not None:
            waits.append((created_at - waiting_since).total_seconds())
            waiting_since = None
    return waits


async def summary(
    session: AsyncSession, organization_id: uuid.UUID, *, days: int
) -> dict[str, Any]:
    since = utcnow() - timedelta(days=days)
    messages = InboxMessages(session, organization_id)
    sent: Counter[str] = Counter()
    received: Counter[str] = Counter()
    failed = unread = 0
    sent_by: Counter[str] = Counter({"assistant": 0, "staff": 0, "system": 0})
    drafts = 0
    for direction, channel, status, is_read, ai, by_staff, count in await messages.counts_since(
        since
    ):
        if direction == "inbound":
            received[channel] += count
            unread += 0 if is_read else count
        elif status in SENT_STATUSES:
            sent[channel] += count
            sent_by["assistant" if ai else "staff" if by_staff else "system"] += count
        elif status == "draft":
            drafts += count
        elif status == "failed":
            failed += count
    waits = first_response_waits(await messages.timeline_since(since))
    return {
        "days": days,
        "since": since,
        "sent": dict(sorted(sent.items())),
        "received": dict(sorted(received.items())),
        "total_sent": sum(sent.values()),
        "sent_by": dict(sent_by),
        "drafts_waiting": drafts,
        "total_received": sum(received.values()),
        "failed": failed,
        "unread": unread,
        "average_first_response_seconds": round(statistics.fmean(waits), 1) if waits else None,
        "median_first_response_seconds": round(statistics.median(waits), 1) if waits else None,
        "responses_measured": len(waits),
    }
