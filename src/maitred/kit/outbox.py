"""Transactional outbox: domain events written in the same transaction as the change.

`emit()` adds the event and one delivery row per registered handler to the caller's session, so
the event exists exactly when the change committed. The worker (kit/worker.py) delivers each row
to its handler after commit. A handler runs in the same transaction that marks its delivery
done, so once it succeeded it never sees the event again; handlers with effects outside the
database must still be idempotent, because a crash between the effect and the commit repeats it.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maitred.kit.clock import utcnow
from maitred.kit.db import Base, Entity, UTCDateTime


class OutboxEvent(Entity, Base):
    """A domain event (`booking.created`), kept as the history of what happened."""

    __tablename__ = "outbox_events"

    name: Mapped[str] = mapped_column(String(100), index=True)
    organization_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    payload: Mapped[dict[str, Any]]
    available_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeliveryStatus:
    pending = "pending"
    done = "done"
    dead = "dead"


class OutboxDelivery(Entity, Base):
    """One handler's work on one event: retried with backoff until done or dead."""

    __tablename__ = "outbox_deliveries"
    __table_args__ = (Index("ix_outbox_deliveries_due", "status", "next_attempt_at"),)

    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("outbox_events.id", ondelete="CASCADE"), index=True
    )
    handler: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.pending)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    # Only so that a flush inserts the event before its deliveries (the unit of work orders
    # inserts by relationships, not by foreign keys); the worker joins explicitly.
    event: Mapped[OutboxEvent] = relationship(lazy="raise")


@dataclass(frozen=True)
class Event:
    """What a handler receives: ids and facts, never ORM objects of the emitting request."""

    id: uuid.UUID
    name: str
    organization_id: uuid.UUID | None
    payload: dict[str, Any]
    created_at: datetime
    attempt: int


Handler = Callable[[AsyncSession, Event], Awaitable[None]]
_handlers: dict[str, dict[str, Handler]] = {}


def register(event_name: str, handler: Handler, *, name: str | None = None) -> None:
    """Subscribes `handler` to `event_name`; the name identifies its deliveries across deploys."""
    key = name or f"{handler.__module__}.{handler.__qualname__}"
    _handlers.setdefault(event_name, {})[key] = handler


def unregister(event_name: str, name: str) -> None:
    _handlers.get(event_name, {}).pop(name, None)


def on(event_name: str, *, name: str | None = None) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        register(event_name, handler, name=name)
        return handler

    return decorate


def handler_for(event_name: str, name: str) -> Handler | None:
    return _handlers.get(event_name, {}).get(name)


def handler_names() -> dict[str, list[str]]:
    return {event: sorted(handlers) for event, handlers in _handlers.items()}


async def emit(
    session: AsyncSession,
    name: str,
    *,
    organization_id: uuid.UUID | None = None,
    available_at: datetime | None = None,
    **payload: Any,
) -> OutboxEvent:
    """Records `name` in the caller's transaction; `available_at` delays delivery (scheduling)."""
    now = utcnow()
    due = available_at or now
    event = OutboxEvent(
        id=uuid.uuid4(),
        name=name,
        organization_id=organization_id,
        payload=to_jsonable_python(payload),
        available_at=due,
    )
    session.add(event)
    for handler_name in sorted(_handlers.get(name, {})):
        session.add(OutboxDelivery(event=event, handler=handler_name, next_attempt_at=due))
    session.info["outbox_emitted"] = True
    return event
