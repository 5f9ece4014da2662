"""A chat turn reads first and writes last (ai/turn_rows.py, the route's `ReadsFirst`): its
reads, understanding and read-only tools run outside SQLite's writers' turn, then its rows go
in with one statement per table; a message to an existing thread is read by the write that
claims the thread, so two messages to one thread take turns instead of overwriting each other's
dialogue."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, select

from maitred.ai.models import AiMessage, AiThread, AiToolCall, AiUsage
from maitred.bookings.models import Booking
from maitred.kit.db import Database
from tests.ai.given import given_caterer

CHAT = "/api/v1/ai/chat"
WRITES = ("INSERT", "UPDATE", "DELETE")


@asynccontextmanager
async def statements(database: Database) -> AsyncIterator[tuple[list[str], list[str]]]:
    """The statements started and completed meanwhile (their first words)."""
    started: list[str] = []
    done: list[str] = []

    def on_start(_c: Any, _cursor: Any, statement: str, *_a: Any) -> None:
        started.append(" ".join(statement.split()[:3]))

    def on_done(_c: Any, _cursor: Any, statement: str, *_a: Any) -> None:
        done.append(" ".join(statement.split()[:3]))

    def on_read(statement: str) -> None:  # the read pool's (kit/reads.py): no engine events
        started.append(" ".join(statement.split()[:3]))
        done.append(started[-1])

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", on_start)
    event.listen(engine, "after_cursor_execute", on_done)
    database.reads.listeners.append(on_read)
    try:
        yield started, done
    finally:
        event.remove(engine, "before_cursor_execute", on_start)
        event.remove(engine, "after_cursor_execute", on_done)
        database.reads.listeners.remove(on_read)


async def while_the_turn_is_held(
    database: Database, send: Callable[[], Any], until: Callable[[list[str]], bool]
) -> tuple[httpx.Response, list[str], list[str]]:
    """Sends a request while another write transaction of the process holds the writers' turn;
    returns its answer and the statements completed during the hold and after it."""
    holding, release = asyncio.Event(), asyncio.Event()

    async def hold_the_turn() -> None:
        async with database.transaction() as session:
            await session.execute(select(func.count()).select_from(Booking))  # takes the turn
            holding.set()
            await release.wait()

    holder = asyncio.create_task(hold_the_turn())
    await holding.wait()
    async with statements(database) as (started, done):
        request = asyncio.create_task(send())
        for _ in range(200):
            if until(started) or request.done():
                break
            await asyncio.sleep(0.05)
        during_hold = list(done)
        release.set()
        await holder
        answer = await request
        after = done[len(during_hold) :]
    return answer, during_hold, after


async def test_a_new_turn_reads_and_prices_outside_the_writers_turn_then_writes_four_rows(
    client: httpx.AsyncClient, database: Database
) -> None:
    if not database.is_sqlite:
        pytest.skip("the writers' turn is SQLite's group commit")
    caterer = await given_caterer(database)
    warm = await client.post(CHAT, json={"message": "hello"}, headers=caterer.headers)
    assert warm.status_code == 200, warm.text

    answer, during_hold, after = await while_the_turn_is_held(
        database,
        lambda: client.post(
            CHAT, json={"message": "how much for 20 guests?"}, headers=caterer.headers
        ),
        lambda started: any(s.startswith("INSERT INTO ai_threads") for s in started),
    )

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["intent"] == "quote"
    assert "$" in body["response"]
    # Everything before the writes ran while another writer held the turn.
    assert any(s.startswith("SELECT") for s in during_hold), during_hold
    assert not [s for s in during_hold if s.startswith(WRITES)], during_hold
    # Then the turn's rows, one statement per table, and nothing else.
    turn_writes = [s for s in after if s.startswith(WRITES) and "audit_logs" not in s]
    assert turn_writes == [
        "INSERT INTO ai_threads",
        "INSERT INTO ai_tool_calls",
        "INSERT INTO ai_messages",
        "INSERT INTO ai_usage",
    ], after

    thread_id = body["thread_id"].removeprefix("thread_")
    async with database.transaction(write=False) as session:
        thread = await session.get(AiThread, uuid.UUID(thread_id))
        assert thread is not None
        assert thread.last_intent == "quote"
        assert thread.state["slots"]["guest_count"] == 20
        messages = (
            await session.scalars(select(AiMessage).where(AiMessage.thread_id == thread.id))
        ).all()
        assert sorted(m.role for m in messages) == ["assistant", "user"]
        assert {m.content for m in messages} >= {"how much for 20 guests?"}
        calls = (
            await session.scalars(select(AiToolCall).where(AiToolCall.thread_id == thread.id))
        ).all()
        assert [(c.tool, c.outcome, c.arguments["guest_count"]) for c in calls] == [
            ("quote", "ok", 20)
        ]
        ledger = (
            await session.scalars(select(AiUsage).where(AiUsage.thread_id == thread.id))
        ).all()
        assert [(u.engine, u.endpoint) for u in ledger] == [("offline", "chat")]


async def test_a_message_to_an_existing_thread_waits_for_the_writers_turn_to_read_it(
    client: httpx.AsyncClient, database: Database
) -> None:
    """The thread is read by the UPDATE that claims it: while another writer holds the turn,
    the continued conversation's thread is not read yet (so a second message to the same
    thread cannot read the state the first is about to replace), and it is answered after."""
    if not database.is_sqlite:
        pytest.skip("the writers' turn is SQLite's group commit")
    caterer = await given_caterer(database)
    first = await client.post(
        CHAT, json={"message": "we're 12 for a birthday in Folsom"}, headers=caterer.headers
    )
    assert first.status_code == 200, first.text
    thread_id = first.json()["thread_id"]

    answer, during_hold, after = await while_the_turn_is_held(
        database,
        lambda: client.post(
            CHAT,
            json={"message": "how much would that be?", "thread_id": thread_id},
            headers=caterer.headers,
        ),
        lambda started: any(s.startswith("UPDATE ai_threads") for s in started),
    )

    assert answer.status_code == 200, answer.text
    assert not [s for s in during_hold if "ai_threads" in s or s.startswith(WRITES)], during_hold
    assert after[0].startswith("UPDATE ai_threads"), after
    # The second turn went on from what the first gathered: only the date is missing.
    assert "date" in answer.json()["response"], answer.json()
    async with database.transaction(write=False) as session:
        thread = await session.get(AiThread, uuid.UUID(thread_id.removeprefix("thread_")))
        assert thread is not None
        assert thread.state["slots"]["guest_count"] == 12
        assert thread.state["slots"]["city"] == "Folsom"
        count = select(func.count()).select_from(AiMessage).where(AiMessage.thread_id == thread.id)
        assert await session.scalar(count) == 4
