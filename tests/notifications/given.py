"""Helpers of the notification tests: the given book's days, reading what was queued,
and moving scheduled events into the present (the outbox compares with kit/clock's utcnow)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select, update

from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.outbox import OutboxDelivery, OutboxEvent
from maitred.messaging.models import Message
from tests.factories import Actor

HISTORY = "/api/v1/notifications/history"

ZONE = ZoneInfo("America/Los_Angeles")  # the given book's


def three_days_out() -> date:
    """A day the given book takes bookings, far enough out for both reminders."""
    day = datetime.now(ZONE).date() + timedelta(days=3)
    return day + timedelta(days=1) if day.isoweekday() == 1 else day  # Mondays are closed


async def sent_messages(database: Database, **where: Any) -> list[Message]:
    """Every outbound message (oldest first), optionally only those matching `where`."""
    async with database.transaction(write=False) as session:
        statement = select(Message).where(Message.direction == "outbound")
        for column, value in where.items():
            statement = statement.where(getattr(Message, column) == value)
        rows = await session.scalars(statement.order_by(Message.created_at, Message.id))
        return list(rows)


def by_template(messages: list[Message]) -> list[tuple[str | None, str]]:
    return sorted((m.template, m.channel) for m in messages)


async def scheduled(database: Database, name: str) -> list[OutboxEvent]:
    async with database.transaction(write=False) as session:
        rows = await session.scalars(
            select(OutboxEvent).where(OutboxEvent.name == name).order_by(OutboxEvent.available_at)
        )
        return list(rows)


async def make_due(database: Database, event_ids: list[uuid.UUID]) -> None:
    """Time passes until these events are due: their deliveries' time is moved to just now."""
    moment = utcnow() - timedelta(seconds=1)
    async with database.transaction() as session:
        await session.execute(
            update(OutboxEvent).where(OutboxEvent.id.in_(event_ids)).values(available_at=moment)
        )
        await session.execute(
            update(OutboxDelivery)
            .where(OutboxDelivery.event_id.in_(event_ids))
            .values(next_attempt_at=moment)
        )


async def history(client: httpx.AsyncClient, actor: Actor, **params: Any) -> dict[str, Any]:
    response = await client.get(HISTORY, params=params, headers=actor.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
