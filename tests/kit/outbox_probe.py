"""Handlers, queries and a worker process for the outbox and worker tests.

`python -m tests.kit.outbox_probe [worker options]` registers `record_slowly` and runs
`maitred worker`, so a test can start, kill and restart a real worker process whose handler it
controls. The other helpers run in the test process itself.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import outbox
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.outbox import Event, OutboxDelivery, OutboxEvent
from maitred.tenancy.models import Organization

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SLOW_EVENT = "probe.slow"
SLOW_HANDLER = "probe.record_slowly"


async def record_slowly(session: AsyncSession, event: Event) -> None:
    """Records the event as an organization whose slug (unique) is the event id."""
    await asyncio.sleep(float(os.environ.get("PROBE_HANDLER_SECONDS", "0.1")))
    session.add(Organization(name=f"probe {event.payload['n']}", slug=str(event.id)))


@dataclass(frozen=True)
class Call:
    event: Event
    at: datetime


@dataclass
class Recorder:
    """A handler that remembers every call; it fails its first `failures` calls.

    With `writes_organization` it adds an organization (slug: the event id) before failing or
    returning, so a test can see whether the handler's writes were kept.
    """

    failures: int = 0
    seconds: float = 0.0
    writes_organization: bool = False
    on_call: Callable[[], None] | None = None
    calls: list[Call] = field(default_factory=list)

    async def __call__(self, session: AsyncSession, event: Event) -> None:
        self.calls.append(Call(event=event, at=utcnow()))
        if self.on_call is not None:
            self.on_call()
        if self.seconds:
            await asyncio.sleep(self.seconds)
        if self.writes_organization:
            session.add(Organization(name=f"handled {event.name}", slug=str(event.id)))
            await session.flush()
        if len(self.calls) <= self.failures:
            raise RuntimeError(f"failure {len(self.calls)}")

    def event_ids(self) -> list[uuid.UUID]:
        return [call.event.id for call in self.calls]


class Subscriptions:
    """Registers recorders for one test and removes them afterwards (the registry is global)."""

    def __init__(self) -> None:
        self._registered: list[tuple[str, str]] = []

    def add(self, event_name: str, name: str, **options: Any) -> Recorder:
        recorder = Recorder(**options)
        outbox.register(event_name, recorder, name=name)
        self._registered.append((event_name, name))
        return recorder

    def clear(self) -> None:
        for event_name, name in self._registered:
            outbox.unregister(event_name, name)
        self._registered.clear()


def subscriptions() -> Iterator[Subscriptions]:
    """Body of the tests' `subscribe` fixture."""
    subs = Subscriptions()
    yield subs
    subs.clear()


async def emit_committed(database: Database, name: str, **kwargs: Any) -> uuid.UUID:
    async with database.transaction() as session:
        event = await outbox.emit(session, name, **kwargs)
    return event.id


async def deliveries_by_handler(
    database: Database, event_id: uuid.UUID
) -> dict[str, OutboxDelivery]:
    async with database.transaction(write=False) as session:
        rows = await session.scalars(
            select(OutboxDelivery).where(OutboxDelivery.event_id == event_id)
        )
        return {delivery.handler: delivery for delivery in rows}


async def all_deliveries(database: Database) -> list[OutboxDelivery]:
    async with database.transaction(write=False) as session:
        return list(await session.scalars(select(OutboxDelivery)))


async def all_events(database: Database) -> list[OutboxEvent]:
    async with database.transaction(write=False) as session:
        return list(await session.scalars(select(OutboxEvent)))


async def organization_slugs(database: Database) -> list[str]:
    async with database.transaction(write=False) as session:
        return sorted(await session.scalars(select(Organization.slug)))


async def count_deliveries(database: Database, status: str) -> int:
    async with database.transaction(write=False) as session:
        count = await session.scalar(
            select(func.count()).select_from(OutboxDelivery).where(OutboxDelivery.status == status)
        )
        return int(count or 0)


async def eventually(
    condition: Callable[[], Awaitable[bool]],
    *,
    within: float = 15.0,
    interval: float = 0.02,
    step: Callable[[], Awaitable[object]] | None = None,
) -> None:
    """Polls `condition` (running `step` before each check) until it holds or time runs out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        if step is not None:
            await step()
        if await condition():
            return
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(interval)


if __name__ == "__main__":
    from maitred.cli import main

    outbox.register(SLOW_EVENT, record_slowly, name=SLOW_HANDLER)
    main(["worker", *sys.argv[1:]])
