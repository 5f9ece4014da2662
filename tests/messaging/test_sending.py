"""The worker sends queued messages: once, retried on transient errors, failed on permanent
ones, and sent again when the worker that had it died before the provider answered."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from maitred.config import Settings
from maitred.kit import pollers
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.worker import Worker, WorkerOptions
from maitred.messaging import sending as _registers_the_sender  # noqa: F401
from maitred.messaging import service as messaging_service
from maitred.messaging.models import Message
from maitred.messaging.providers import registry
from maitred.messaging.providers.base import (
    OutgoingMessage,
    PermanentSendError,
    SendResult,
    TransientSendError,
)
from maitred.tenancy.models import Organization
from tests.factories import given_organization


class Scripted:
    """A stand-in SMS provider answering from a script (the outside service, not our code)."""

    name = "scripted"
    channel = "sms"
    script: list[Exception | None] = []
    sent: list[OutgoingMessage] = []
    seconds_per_message = 0.0

    async def send(self, message: OutgoingMessage) -> SendResult:
        await asyncio.sleep(Scripted.seconds_per_message)
        outcome = Scripted.script.pop(0) if Scripted.script else None
        if outcome is not None:
            raise outcome
        Scripted.sent.append(message)
        return SendResult(provider_message_id=f"SM{len(Scripted.sent)}", sender="+14155550000")


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> type[Scripted]:
    registry.register("scripted", ("sms",), lambda setup: Scripted())
    monkeypatch.setattr(registry, "environment_default", lambda channel, settings: "scripted")
    Scripted.script, Scripted.sent, Scripted.seconds_per_message = [], [], 0.0
    return Scripted


def worker(database: Database, settings: Settings) -> Worker:
    return Worker(
        database,
        WorkerOptions(poll_seconds=0.01, backoff_seconds=0.01),
        settings=settings.model_copy(update={"message_backoff_seconds": 0.01}),
    )


async def queue(database: Database, organization: Organization, **changes: object) -> uuid.UUID:
    fields: dict[str, object] = {"channel": "sms", "to": "(415) 555-0100", "body_text": "Hi!"}
    async with database.transaction() as session:
        message = await messaging_service.queue_message(
            session, organization.id, messaging_service.Outgoing(**{**fields, **changes})
        )
        return message.id


async def stored(database: Database, message_id: uuid.UUID) -> Message:
    async with database.transaction(write=False) as session:
        found = await session.scalar(select(Message).where(Message.id == message_id))
        assert found is not None
        return found


async def drain(w: Worker) -> None:
    while await w.run_once():
        pass


async def test_a_queued_message_is_sent_once_with_the_providers_id(
    database: Database, settings: Settings, scripted: type[Scripted]
) -> None:
    organization = await given_organization(database)
    message_id = await queue(database, organization, dedupe_key="hello")
    again = await queue(database, organization, dedupe_key="hello")

    await drain(worker(database, settings))
    await drain(worker(database, settings))

    assert again == message_id
    [sent] = scripted.sent
    assert (sent.to, sent.body_text) == ("+14155550100", "Hi!")
    message = await stored(database, message_id)
    assert (message.status, message.provider, message.provider_message_id) == (
        "sent",
        "scripted",
        "SM1",
    )
    assert (message.attempts, message.sender, message.locked_by) == (1, "+14155550000", None)


async def test_transient_errors_are_retried_and_permanent_ones_fail(
    database: Database, settings: Settings, scripted: type[Scripted]
) -> None:
    organization = await given_organization(database)
    scripted.script = [TransientSendError("503 from provider"), None]
    retried = await queue(database, organization)

    w = worker(database, settings)
    await w.run_once()
    waiting = await stored(database, retried)
    await asyncio.sleep(0.05)  # the retry's backoff
    await drain(w)
    scripted.script = [PermanentSendError("invalid number", code="21211")]
    failed = await queue(database, organization, to="+14155550199")
    await drain(w)

    assert (waiting.status, waiting.error) == ("queued", "TransientSendError: 503 from provider")
    assert waiting.next_attempt_at is not None
    assert waiting.next_attempt_at > waiting.created_at
    assert ((await stored(database, retried)).status, len(scripted.sent)) == ("sent", 1)
    message = await stored(database, failed)
    assert (message.status, message.error) == ("failed", "21211: invalid number")
    assert message.failed_at is not None


async def test_a_message_whose_worker_died_mid_send_is_sent_by_the_next(
    database: Database, settings: Settings, scripted: type[Scripted]
) -> None:
    organization = await given_organization(database)
    message_id = await queue(database, organization)
    # The first worker claimed it and died before the provider answered: `sending`, its lease
    # still running, then lapsed.
    async with database.transaction() as session:
        await session.execute(
            update(Message)
            .where(Message.id == message_id)
            .values(
                status="sending",
                attempts=1,
                locked_by="dead-worker",
                locked_until=utcnow() + timedelta(seconds=60),
            )
        )

    w = worker(database, settings)
    await drain(w)
    untouched = await stored(database, message_id)
    sent_while_leased = len(scripted.sent)
    async with database.transaction() as session:
        await session.execute(
            update(Message)
            .where(Message.id == message_id)
            .values(locked_until=utcnow() - timedelta(seconds=1))
        )
    await drain(w)

    assert (untouched.status, sent_while_leased) == ("sending", 0)
    message = await stored(database, message_id)
    assert (message.status, message.attempts, len(scripted.sent)) == ("sent", 2, 1)


async def test_a_running_worker_sends_a_message_queued_in_its_process_at_once(
    database: Database,
    settings: Settings,
    scripted: type[Scripted],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Idle, the sender is asked less and less often; the commit that queues a message wakes it
    (here its idle wait is a minute, so only the wake-up can send within the test)."""
    sender = pollers._pollers["messaging.send"]
    monkeypatch.setitem(
        pollers._pollers, sender.name, dataclasses.replace(sender, every=60.0, longest=60.0)
    )
    organization = await given_organization(database)
    running = worker(database, settings)
    task = asyncio.create_task(running.run())
    try:
        await asyncio.sleep(0.3)  # its first round found nothing to send
        message_id = await queue(database, organization)
        for _ in range(250):
            if scripted.sent:
                break
            await asyncio.sleep(0.02)
    finally:
        running.stop()
        await asyncio.wait_for(task, timeout=10)
    assert [m.to for m in scripted.sent] == ["+14155550100"]
    assert (await stored(database, message_id)).status == "sent"


async def test_a_message_another_process_queued_waits_at_most_the_senders_longest_idle_wait(
    database: Database,
    settings: Settings,
    scripted: type[Scripted],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No wake-up crosses processes (several API processes on PostgreSQL): the sender's idle
    wait doubles, but never past its cap."""
    sender = pollers._pollers["messaging.send"]
    monkeypatch.setitem(
        pollers._pollers, sender.name, dataclasses.replace(sender, every=0.01, longest=0.05)
    )
    organization = await given_organization(database)
    running = worker(database, settings)
    task = asyncio.create_task(running.run())
    other_process = Database(database.url)
    try:
        # Idle for 2.7 s: waits that kept doubling (0.01, 0.02, … 1.28, 2.56 s) would have it
        # asked next at 5.11 s at the earliest; capped, it is asked every 0.05 s.
        await asyncio.sleep(2.7)
        message_id = await queue(other_process, organization)
        for _ in range(100):  # 2 s
            if scripted.sent:
                break
            await asyncio.sleep(0.02)
    finally:
        running.stop()
        await asyncio.wait_for(task, timeout=10)
        await other_process.dispose()
    assert [m.to for m in scripted.sent] == ["+14155550100"]
    assert (await stored(database, message_id)).status == "sent"


async def test_a_slow_batch_is_not_taken_over_message_by_message(
    database: Database, settings: Settings, scripted: type[Scripted]
) -> None:
    organization = await given_organization(database)
    queued = [await queue(database, organization, to=f"+1415555010{n}") for n in range(4)]
    scripted.seconds_per_message = 0.4  # the whole batch outlasts a lease; no single message does
    short_lease = settings.model_copy(update={"message_lease_seconds": 0.6})

    async def second_worker_keeps_polling() -> None:
        other = worker(database, short_lease)
        for _ in range(40):
            await other.run_once()
            await asyncio.sleep(0.05)

    await asyncio.gather(drain(worker(database, short_lease)), second_worker_keeps_polling())

    assert sorted(m.to for m in scripted.sent) == [f"+1415555010{n}" for n in range(4)]
    assert {(await stored(database, m)).status for m in queued} == {"sent"}


async def test_bad_addresses_are_refused_before_anything_is_queued(
    database: Database, scripted: type[Scripted]
) -> None:
    organization = await given_organization(database)

    with pytest.raises(Exception, match="validation") as refused:
        await queue(database, organization, to="not a phone")

    assert getattr(refused.value, "details", None) == {"to": "Not a valid phone number"}
    async with database.transaction(write=False) as session:
        assert (await session.scalars(select(Message))).all() == []
