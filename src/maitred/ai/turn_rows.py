"""The rows of a chat turn (its thread, the audit of its tool calls, its two messages, its
ledger row), written after the turn's reads with compiled Core INSERTs, one statement per
table: no ORM unit of work, and with the route's `ReadsFirst` SQLite's writers' turn is held for
these statements only (ARCHITECTURE.md, Hot paths).

A thread the turn opens is not written when it is opened: every row that refers to it comes
after it, so it is written first, with the state the turn left it in (`save_thread`). A tool
that writes rows of its own (a draft, a lead, a handoff) has the thread written before it runs
(`written`): its reads and writes then run in the writers' turn, after a thread that exists.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, insert, inspect, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from maitred.ai.models import AiMessage, AiThread, AiToolCall, AiUsage
from maitred.kit.clock import utcnow

_THREADS = cast(Table, AiThread.__table__)
_INSERT_THREAD = insert(_THREADS)
_INSERT_TOOL_CALLS = insert(cast(Table, AiToolCall.__table__))
_INSERT_MESSAGES = insert(cast(Table, AiMessage.__table__))
_INSERT_USAGE = insert(cast(Table, AiUsage.__table__))
_THREAD_COLUMNS = tuple(column.key for column in _THREADS.columns)
_UNWRITTEN = "ai_unwritten_threads"
_PENDING = "ai_pending_tool_calls"


def new_thread(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    channel: str,
    owner_user_id: uuid.UUID | None,
) -> AiThread:
    """A thread for this unit of work, kept out of the session until `written` or
    `save_thread` writes it."""
    now = utcnow()
    thread = AiThread(
        id=uuid.uuid4(),
        organization_id=organization_id,
        channel=channel,
        status="open",
        customer_id=None,
        verified_customer_id=None,
        conversation_id=None,
        owner_user_id=owner_user_id,
        assigned_user_id=None,
        handoff_reason=None,
        state={},
        last_intent=None,
        cost_micros=0,
        created_at=now,
        updated_at=now,
    )
    session.info.setdefault(_UNWRITTEN, {})[thread.id] = thread
    return thread


async def written(session: AsyncSession, thread_id: uuid.UUID | None) -> None:
    """Writes the thread now when this unit of work opened it and has not written it yet; from
    then on it is an ordinary row of the session."""
    unwritten: dict[uuid.UUID, AiThread] = session.info.get(_UNWRITTEN) or {}
    thread = unwritten.pop(thread_id, None) if thread_id is not None else None
    if thread is None:
        return
    await session.execute(_INSERT_THREAD, {key: getattr(thread, key) for key in _THREAD_COLUMNS})
    make_transient_to_detached(thread)
    session.add(thread)


async def save_thread(session: AsyncSession, thread: AiThread) -> None:
    """The thread as the turn left it: written whole when new, else its changed columns in one
    UPDATE (the session then holds them as stored, so it writes nothing more at commit)."""
    if thread.id in (session.info.get(_UNWRITTEN) or {}):
        await written(session, thread.id)
        return
    state = inspect(thread)
    changed = {
        key: getattr(thread, key)
        for key in _THREAD_COLUMNS
        if state.attrs[key].history.has_changes()
    }
    if not changed:
        return
    changed.setdefault("updated_at", utcnow())
    await session.execute(
        update(_THREADS)
        .where(_THREADS.c.organization_id == thread.organization_id, _THREADS.c.id == thread.id)
        .values(changed)
    )
    for key, value in changed.items():
        set_committed_value(thread, key, value)


def hold_tool_calls(session: AsyncSession) -> list[dict[str, Any]]:
    """From now on the audit rows of tool calls wait in the returned list, for `write` (a turn
    of the offline engine, which undoes nothing: every call's row is kept)."""
    pending: list[dict[str, Any]] = []
    session.info[_PENDING] = pending
    return pending


def release_tool_calls(session: AsyncSession) -> None:
    session.info.pop(_PENDING, None)


async def add_tool_call(session: AsyncSession, row: dict[str, Any]) -> None:
    """The audit of one tool call: held for the turn's writes, or written now."""
    now = utcnow()
    row = {"id": uuid.uuid4(), "created_at": now, "updated_at": now} | row
    pending: list[dict[str, Any]] | None = session.info.get(_PENDING)
    if pending is not None:
        pending.append(row)
        return
    await written(session, cast(uuid.UUID | None, row["thread_id"]))
    await session.execute(_INSERT_TOOL_CALLS, [row])


def message_row(organization_id: uuid.UUID, thread_id: uuid.UUID, **values: Any) -> AiMessage:
    """A message of the turn, with every column given (an unsaved AiMessage: `write` stores it
    with Core)."""
    now = utcnow()
    fields: dict[str, Any] = {
        "id": uuid.uuid4(),
        "organization_id": organization_id,
        "thread_id": thread_id,
        "intent": None,
        "sentiment": None,
        "engine": None,
        "status": "sent",
        "tool_calls": [],
        "created_at": now,
        "updated_at": now,
    }
    return AiMessage(**(fields | values))


_MESSAGE_COLUMNS = tuple(column.key for column in cast(Table, AiMessage.__table__).columns)


async def write(
    session: AsyncSession,
    thread: AiThread,
    tool_calls: Sequence[dict[str, Any]],
    messages: Sequence[AiMessage],
) -> None:
    """The turn's rows, the thread first (the others refer to it)."""
    await save_thread(session, thread)
    if tool_calls:
        await session.execute(_INSERT_TOOL_CALLS, list(tool_calls))
    if messages:
        await session.execute(
            _INSERT_MESSAGES,
            [{key: getattr(m, key) for key in _MESSAGE_COLUMNS} for m in messages],
        )


async def insert_usage(session: AsyncSession, row: dict[str, Any]) -> None:
    now = utcnow()
    await session.execute(
        _INSERT_USAGE, {"id": uuid.uuid4(), "created_at": now, "updated_at": now} | row
    )
