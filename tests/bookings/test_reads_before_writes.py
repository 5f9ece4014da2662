"""The booking request's reads run outside SQLite's writers' turn (kit/db.py `defer_to_write`,
opted in by the route's `ReadsFirst`): the turn, which every writer of the process queues for,
holds its writes only."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, select

from maitred.bookings.models import Booking
from maitred.kit import writes
from maitred.kit.db import Database
from tests.bookings.given import SEED_000_POLICY, given_book
from tests.bookings.test_group_commit import FORM, form, stored_bookings


async def test_a_public_booking_reads_while_another_writer_holds_the_turn(
    client: httpx.AsyncClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The booking request's reads (its organization, settings, calendar, prices) run before its
    first write, outside the writers' turn (kit/db.py `defer_to_write`): while another write
    transaction of the process holds the turn, the request gets as far as its first write, and
    is stored once the turn passes. Before, its first read took the turn and waited."""
    if not database.is_sqlite:
        pytest.skip("the writers' turn is SQLite's group commit")
    book = await given_book(database, settings=SEED_000_POLICY, teams=3)
    first = await client.post(
        FORM, json=form(1, 2), headers={"X-Tenant-ID": str(book.organization.id)}
    )
    assert first.status_code == 201, first.text
    done: list[str] = []  # statements completed, in order
    started: list[str] = []

    def on_start(_c: Any, _cursor: Any, statement: str, *_a: Any) -> None:
        started.append(statement.lstrip()[:30])

    def on_done(_c: Any, _cursor: Any, statement: str, *_a: Any) -> None:
        done.append(statement.lstrip()[:30])

    holding, release = asyncio.Event(), asyncio.Event()

    async def hold_the_turn() -> None:
        async with database.transaction() as session:
            await session.execute(select(func.count()).select_from(Booking))  # takes the turn
            holding.set()
            await release.wait()

    engine = database.engine.sync_engine
    holder = asyncio.create_task(hold_the_turn())
    await holding.wait()
    event.listen(engine, "before_cursor_execute", on_start)
    event.listen(engine, "after_cursor_execute", on_done)
    # The booking's writes run on SQLite's driver connection, outside the engine's events (so
    # a write is seen when it starts; the next one starts once it is done), and its reads of
    # kept facts in the read pool, outside any turn.
    monkeypatch.setattr(writes, "listeners", [lambda sql: started.append(sql.lstrip()[:30])])
    monkeypatch.setattr(database.reads, "listeners", [lambda sql: done.append(sql.lstrip()[:30])])
    try:
        request = asyncio.create_task(
            client.post(FORM, json=form(2, 2), headers={"X-Tenant-ID": str(book.organization.id)})
        )
        for _ in range(200):
            if any(s.startswith("INSERT INTO customers") for s in started) or request.done():
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # time for a write that did not wait to finish, and the next
        during_hold = list(done)
        writes_begun = [s for s in started if s.startswith(("INSERT", "UPDATE", "DELETE"))]
        release.set()
        await holder
        answer = await request
    finally:
        event.remove(engine, "before_cursor_execute", on_start)
        event.remove(engine, "after_cursor_execute", on_done)

    assert answer.status_code == 201, answer.text
    assert any(s.startswith("SELECT") for s in during_hold), (during_hold, started)
    assert not [s for s in during_hold if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes_begun == ["INSERT INTO customers (id, org"], started  # waiting for the turn
    assert any(s.startswith("INSERT INTO customers") for s in started)
    assert len(await stored_bookings(database, book.organization.id)) == 2
