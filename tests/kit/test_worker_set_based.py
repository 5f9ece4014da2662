"""Set-based outbox handlers (`outbox.register_many`): a worker's batch calls one once with all
the events it takes, and one event's failure neither loses nor repeats another's work."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import outbox
from maitred.kit.db import Database
from maitred.kit.outbox import Event
from maitred.kit.worker import Worker, WorkerOptions
from maitred.tenancy.models import Organization
from tests.kit.outbox_probe import (
    Subscriptions,
    deliveries_by_handler,
    emit_committed,
    eventually,
    organization_slugs,
    subscriptions,
)

FAST = WorkerOptions(batch_size=20, poll_seconds=0.05, lease_seconds=30, backoff_seconds=0.01)
EVENT = "probe.booked"


@dataclass
class ManyRecorder:
    """Adds an organization per event (slug: `<prefix>-<event id>`); fails a call that holds an
    event whose payload says `poison` while `poisoned` is set."""

    prefix: str
    poisoned: bool = True
    calls: list[list[uuid.UUID]] = field(default_factory=list)

    async def __call__(self, session: AsyncSession, events: list[Event]) -> None:
        self.calls.append([event.id for event in events])
        for event in events:
            if self.poisoned and event.payload.get("poison"):
                raise RuntimeError(f"poisoned {event.id}")
            session.add(
                Organization(name=f"{self.prefix} {event.id}", slug=f"{self.prefix}-{event.id}")
            )

    def handled(self) -> list[uuid.UUID]:
        return [event_id for call in self.calls for event_id in call]


@pytest.fixture
def subscribe() -> Iterator[Subscriptions]:
    yield from subscriptions()


@pytest.fixture
def many() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        outbox.unregister(EVENT, name)


def register(names: list[str], name: str, recorder: ManyRecorder) -> ManyRecorder:
    outbox.register_many(EVENT, recorder, name=name)
    names.append(name)
    return recorder


async def test_a_set_based_handler_takes_the_batchs_events_in_one_call(
    database: Database, many: list[str]
) -> None:
    crm = register(many, "a.crm", ManyRecorder("crm"))
    notices = register(many, "b.notices", ManyRecorder("notice"))
    event_ids = [await emit_committed(database, EVENT, n=n) for n in range(4)]
    worker = Worker(database, FAST)

    assert await worker.run_once() == 8

    assert crm.calls == [event_ids]
    assert notices.calls == [event_ids]
    assert (worker.processed, worker.failed) == (8, 0)
    assert await organization_slugs(database) == sorted(
        f"{prefix}-{e}" for prefix in ("crm", "notice") for e in event_ids
    )
    for event_id in event_ids:
        found = await deliveries_by_handler(database, event_id)
        assert {d.status for d in found.values()} == {"done"}


async def test_one_events_failure_in_a_set_based_handler_costs_only_that_events_delivery(
    database: Database, many: list[str], subscribe: Subscriptions
) -> None:
    """The whole batch is rolled back and runs again one delivery at a time with savepoints:
    every other event's writes (of that handler and of the others) are kept once, the poisoned
    event's delivery waits for its retry with its error, and succeeds once the cause is gone."""
    before = subscribe.add(EVENT, "a.before", writes_organization=True)
    crm = register(many, "b.crm", ManyRecorder("crm"))
    after = register(many, "c.after", ManyRecorder("after", poisoned=False))
    good = [await emit_committed(database, EVENT, n=n) for n in range(3)]
    poisoned = await emit_committed(database, EVENT, n=3, poison=True)
    worker = Worker(database, FAST)

    assert await worker.run_once() == 12

    assert (worker.processed, worker.failed) == (11, 1)
    slugs = await organization_slugs(database)
    assert slugs == sorted(
        [str(e) for e in [*good, poisoned]]
        + [f"crm-{e}" for e in good]
        + [f"after-{e}" for e in [*good, poisoned]]
    )
    failed = (await deliveries_by_handler(database, poisoned))["b.crm"]
    assert (failed.status, failed.attempts) == ("pending", 1)
    assert failed.last_error == f"RuntimeError: poisoned {poisoned}"
    for event_id in good:
        assert {d.status for d in (await deliveries_by_handler(database, event_id)).values()} == {
            "done"
        }
    # The careful run tried each event alone: the poisoned one failed again, the others' ran.
    assert crm.calls[-4:] == [[e] for e in good] + [[poisoned]]
    assert sorted(before.event_ids()) == sorted([*good, poisoned] * 2)
    assert after.calls == [[e] for e in [*good, poisoned]]  # never with the rolled-back batch

    crm.poisoned = False

    async def retried() -> bool:
        return (await deliveries_by_handler(database, poisoned))["b.crm"].status == "done"

    await eventually(retried, step=worker.run_once)
    assert f"crm-{poisoned}" in await organization_slugs(database)
    assert len(await organization_slugs(database)) == len(slugs) + 1
