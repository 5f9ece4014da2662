"""Transactional outbox: domain events written in the same transaction as the change.

`emit()` queues the event and one delivery row per registered handler on the caller's session
(where the worker writes them, none for a handler whose `audience` has no work for the event),
and they are written just before it commits (one multi-row INSERT per table, however many
events the unit of work emitted), so the event exists exactly when the change committed. A hot
unit of work (the booking request) says `fan_out_later`: its events are written alone, and the
worker writes their deliveries (`fan_out`) before it claims work, exactly once however many
workers run. Inside
a savepoint they are written at once instead, so that rolling the savepoint back takes them
with it. The worker (kit/worker.py) delivers each row
to its handler after commit. A handler runs in the same transaction that marks its delivery
done, so once it succeeded it never sees the event again; handlers with effects outside the
database must still be idempotent, because a crash between the effect and the commit repeats it.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from pydantic_core import to_jsonable_python
from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    bindparam,
    false,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maitred.kit.clock import utcnow
from maitred.kit.db import BEFORE_COMMIT, Base, Entity, UTCDateTime
from maitred.kit.writes import WriteStatement


class OutboxEvent(Entity, Base):
    """A domain event (`booking.created`), kept as the history of what happened."""

    __tablename__ = "outbox_events"
    __table_args__ = (Index("ix_outbox_events_fan_out", "fanned_out", "created_at"),)

    name: Mapped[str] = mapped_column(String(100), index=True)
    organization_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    payload: Mapped[dict[str, Any]]
    available_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # False until its deliveries are written: by the worker, for a unit of work that asked
    # (`fan_out_later`); at once otherwise.
    fanned_out: Mapped[bool] = mapped_column(default=True, server_default=true())


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
# A set-based handler: the events of a worker's batch that one handler takes, in one call.
ManyHandler = Callable[[AsyncSession, list[Event]], Awaitable[None]]
# Which events of one organization (None: of no organization) a handler has work for, by name.
Audience = Callable[[AsyncSession, uuid.UUID | None], Awaitable[Callable[[str], bool]]]
_handlers: dict[str, dict[str, Handler]] = {}
_many: dict[str, dict[str, ManyHandler]] = {}
_audiences: dict[str, Audience] = {}
_SHARED: ContextVar[dict[Any, Any] | None] = ContextVar("outbox_shared", default=None)
_BATCH: ContextVar[dict[Any, Any] | None] = ContextVar("outbox_batch", default=None)
_MEMOS: ContextVar[dict[uuid.UUID, dict[Any, Any]] | None] = ContextVar(
    "outbox_memos", default=None
)


@contextmanager
def sharing(
    event_memo: dict[Any, Any],
    batch_memo: dict[Any, Any],
    memos: dict[uuid.UUID, dict[Any, Any]] | None = None,
) -> Iterator[None]:
    """The worker runs each handler of a batch inside this: the handlers of one event one after
    the other in one transaction, so that what they all read (a booking's facts) is read once,
    and what the batch's handlers all read (an organization's webhook subscriptions) too.
    `memos` (each event's, by its id) serve set-based handlers (`handling`)."""
    tokens = _SHARED.set(event_memo), _BATCH.set(batch_memo), _MEMOS.set(memos)
    try:
        yield
    finally:
        _SHARED.reset(tokens[0])
        _BATCH.reset(tokens[1])
        _MEMOS.reset(tokens[2])


@contextmanager
def worker_writes() -> Iterator[None]:
    """Around a poller's pass (kit/worker.py): the deliveries of the events it emits are kept
    to the handlers' audiences, as a batch's are (`audience`), asked once a pass."""
    token = _BATCH.set({})
    try:
        yield
    finally:
        _BATCH.reset(token)


@contextmanager
def handling(event: Event) -> Iterator[None]:
    """Inside a set-based handler, while it works on `event`: `shared_by_handlers` answers
    that event's memo (what its other handlers read), as it would for a handler of one event."""
    memos = _MEMOS.get()
    if memos is None:
        yield
        return
    token = _SHARED.set(memos.setdefault(event.id, {}))
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared_by_batch() -> dict[Any, Any]:
    """What every handler of the worker's batch shares: facts only requests change (they are as
    of the batch's start, as if it had run a moment earlier). Outside a batch, a dict nobody
    else sees."""
    found = _BATCH.get()
    return found if found is not None else {}


def shared_by_handlers() -> dict[Any, Any]:
    """What the handlers of the event being delivered share: facts that none of them changes,
    read by the first that needs them. Outside a worker's batch, a dict nobody else sees."""
    found = _SHARED.get()
    return found if found is not None else {}


def register(event_name: str, handler: Handler, *, name: str | None = None) -> None:
    """Subscribes `handler` to `event_name`; the name identifies its deliveries across deploys."""
    key = name or f"{handler.__module__}.{handler.__qualname__}"
    _handlers.setdefault(event_name, {})[key] = handler
    _many.get(event_name, {}).pop(key, None)  # replaced by a handler of one event


def register_many(event_name: str, handler: ManyHandler, *, name: str) -> None:
    """Subscribes a set-based handler: the worker's batch hands it every event of its batch
    that it takes at once (one statement per shape for all of them), and a single delivery
    (a retry, a batch run again with savepoints) hands it a list of one. It must be what
    delivering each event alone would be: idempotent per event, whatever the others do."""

    async def one(session: AsyncSession, event: Event) -> None:
        await handler(session, [event])

    one.__qualname__ = one.__name__ = getattr(handler, "__name__", name)
    register(event_name, one, name=name)
    _many.setdefault(event_name, {})[name] = handler


def on_many(event_name: str, *, name: str) -> Callable[[ManyHandler], ManyHandler]:
    def decorate(handler: ManyHandler) -> ManyHandler:
        register_many(event_name, handler, name=name)
        return handler

    return decorate


def audience(handler_name: str, asked: Audience) -> None:
    """`asked(session, organization)` says which of that organization's events the handler
    `handler_name` has work for (a webhook fan-out: those a subscription of the organization
    wants). Where the worker writes deliveries (its batches, its pollers inside
    `worker_writes`, the fan-out of the requests' events) an event gets none for a handler
    with no work for it: no row to insert, claim and mark done. It is asked once per
    organization a batch, with the batch's facts (`shared_by_batch`); a request's
    deliveries are written for every handler, as before (no statement more there)."""
    _audiences[handler_name] = asked


def unregister(event_name: str, name: str) -> None:
    _handlers.get(event_name, {}).pop(name, None)
    _many.get(event_name, {}).pop(name, None)


def on(event_name: str, *, name: str | None = None) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        register(event_name, handler, name=name)
        return handler

    return decorate


def handler_for(event_name: str, name: str) -> Handler | None:
    return _handlers.get(event_name, {}).get(name)


def many_for(event_name: str, name: str) -> ManyHandler | None:
    """The set-based form of the handler `name` of `event_name`, if it has one."""
    return _many.get(event_name, {}).get(name)


def handler_names() -> dict[str, list[str]]:
    return {event: sorted(handlers) for event, handlers in _handlers.items()}


@dataclass(frozen=True)
class Emitted:
    """What `emit()` answers: the event's id (a webhook's `webhook-id`) and name."""

    id: uuid.UUID
    name: str


_QUEUE = "outbox_queue"
_LATER = "outbox_fan_out_later"
_EVENTS = cast(Table, OutboxEvent.__table__)
_DELIVERIES = cast(Table, OutboxDelivery.__table__)
_INSERT_EVENTS = WriteStatement(insert(_EVENTS))


async def emit(
    session: AsyncSession,
    name: str,
    *,
    organization_id: uuid.UUID | None = None,
    available_at: datetime | None = None,
    **payload: Any,
) -> Emitted:
    """Records `name` in the caller's transaction; `available_at` delays delivery (scheduling)."""
    now = utcnow()
    due = available_at or now
    event_id = uuid.uuid4()
    event = {
        "id": event_id,
        "name": name,
        "organization_id": organization_id,
        "payload": to_jsonable_python(payload),
        "available_at": due,
        "created_at": now,
        "updated_at": now,
    }
    deliveries = await _deliveries(
        session, [(event_id, name, organization_id, due)], now, _BATCH.get()
    )
    if session.in_nested_transaction():
        # Written now, so that rolling the savepoint back takes them with it (one statement
        # per table: the worker's handlers each run in a savepoint and emit as they go).
        await session.execute(insert(_EVENTS), [event])
        if deliveries:
            await session.execute(insert(_DELIVERIES), deliveries)
    else:
        queued = session.info.setdefault(_QUEUE, ([], []))
        queued[0].append(event)
        queued[1].extend(deliveries)
    session.info["outbox_emitted"] = True
    return Emitted(event_id, name)


def fan_out_later(session: AsyncSession) -> None:
    """The events this unit of work emits are written without their deliveries, which the
    worker adds after the commit: one statement fewer for a request that must be quick."""
    session.info[_LATER] = True


async def write_queued(session: AsyncSession) -> None:
    """The events emitted in this unit of work and their deliveries, before it commits."""
    queued = session.info.pop(_QUEUE, None)
    if not queued:
        return
    events, deliveries = queued
    if session.info.get(_LATER):
        await _INSERT_EVENTS.run_many(session, [e | {"fanned_out": False} for e in events])
        return
    await session.execute(insert(_EVENTS), events)
    if deliveries:
        await session.execute(insert(_DELIVERIES), deliveries)


_UNFANNED = (
    select(OutboxEvent.id)
    .where(OutboxEvent.fanned_out == false())
    .order_by(OutboxEvent.created_at)
    .limit(bindparam("batch"))
    .with_for_update(skip_locked=True)
)
_FAN_OUT = (
    update(OutboxEvent)
    .where(OutboxEvent.id.in_(_UNFANNED.scalar_subquery()))
    .values(fanned_out=True)
    .returning(
        OutboxEvent.id, OutboxEvent.name, OutboxEvent.organization_id, OutboxEvent.available_at
    )
    .execution_options(synchronize_session=False)
)


async def fan_out(session: AsyncSession, batch: int = 200) -> int:
    """Writes the deliveries of up to `batch` events emitted with `fan_out_later`, to the
    handlers registered now; how many events. The flag flips in the same statement that picks
    them (and PostgreSQL skips rows another worker holds), so each event fans out once."""
    events = (await session.execute(_FAN_OUT, {"batch": batch})).all()
    deliveries = await _deliveries(session, events, utcnow(), {})
    if deliveries:
        await session.execute(insert(_DELIVERIES), deliveries)
    return len(events)


async def _deliveries(
    session: AsyncSession,
    events: Sequence[Any],
    now: datetime,
    memo: dict[Any, Any] | None,
) -> list[dict[str, Any]]:
    """The delivery rows of (id, name, organization, due) events: one per registered handler,
    but, given a `memo` (the worker's), none for a handler whose audience has no work for the
    event's organization, asked once per organization while the memo lasts."""
    rows = []
    for event_id, name, organization_id, due in events:
        for handler_name in sorted(_handlers.get(name, {})):
            if memo is not None and handler_name in _audiences:
                key = ("outbox.audience", handler_name, organization_id)
                if key not in memo:
                    memo[key] = await _audiences[handler_name](session, organization_id)
                if not memo[key](name):
                    continue
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "event_id": event_id,
                    "handler": handler_name,
                    "status": DeliveryStatus.pending,
                    "attempts": 0,
                    "next_attempt_at": due,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    return rows


BEFORE_COMMIT.append(write_queued)
