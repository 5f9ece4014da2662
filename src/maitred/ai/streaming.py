"""The chat's server-sent events (`POST /ai/chat/stream`): the same turn as the concierge's,
as events, with no transaction open while a model streams. The offline engine answers within
one short transaction, committed before its first event; the LLM runs each tool call in a
transaction of its own, and the answer is kept in a last one."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai import concierge, threads
from maitred.ai.concierge import Caller
from maitred.ai.engines.base import Reply, StreamEvent, Turn
from maitred.ai.engines.offline import OfflineEngine, events_of
from maitred.ai.engines.openai_compatible import EngineFailed, LlmEngine
from maitred.ai.models import AiThread
from maitred.ai.tools import ToolOutcome, call_tool
from maitred.config import Settings
from maitred.kit.db import Database


async def _offline_turn(
    session: AsyncSession, caller: Caller, thread: AiThread, text: str
) -> tuple[Reply, Turn]:
    turn = await concierge.make_turn(session, thread, caller, text, "offline")
    async with session.begin_nested():
        reply = await OfflineEngine().respond(session, turn)
    return reply, turn


async def stream(
    database: Database,
    caller: Caller,
    thread_id: uuid.UUID,
    text: str,
    settings: Settings,
) -> AsyncIterator[StreamEvent]:
    """The same turn as events, with no transaction open while a model streams: the offline
    engine answers within one short transaction, committed before its first event; the LLM
    runs each tool call in a transaction of its own, and the answer is kept in a last one. An
    LLM failure falls back to the offline engine."""
    started = time.perf_counter()
    async with database.transaction() as session:
        thread = await threads.get_thread(session, caller.organization_id, thread_id)
        if thread.status == "handed_off":
            reply, llm = await concierge.silent_turn(session, caller, thread, text), None
        else:
            engine, row, reason = await concierge.choose_engine(
                session, caller.organization_id, settings
            )
            llm = engine if isinstance(engine, LlmEngine) else None
            if llm is None:
                reply, turn = await _offline_turn(session, caller, thread, text)
                concierge.with_fallback(reply, reason)
                await concierge.record_turn(
                    session, caller, thread, text, reply, row, "auto",
                    concierge.elapsed_ms(started), "chat_stream", turn.state,
                )  # fmt: skip
            else:
                turn = await concierge.make_turn(session, thread, caller, text, llm.name)
    if llm is None:
        for event in events_of(reply):
            yield event
        yield StreamEvent("done", reply=reply)
        return

    context = turn.context

    async def run_tool(name: str, arguments: dict[str, Any]) -> ToolOutcome:
        async with database.transaction() as tool_session:
            return await call_tool(tool_session, context, name, arguments)

    turn.run_tool = run_tool
    final: Reply | None = None
    sent_tokens = False
    try:
        async for event in llm.stream(None, turn):
            if event.kind == "done":
                final = event.reply
                continue
            sent_tokens = sent_tokens or event.kind == "token"
            yield event
    except EngineFailed as failure:
        reason = failure.reason
        async with database.transaction() as session:
            thread = await threads.get_thread(session, caller.organization_id, thread_id)
            final, turn = await _offline_turn(session, caller, thread, text)
        if sent_tokens:
            yield StreamEvent("token", content="\n")
        for event in events_of(final):
            yield event
    assert final is not None
    reply = final
    if concierge.with_fallback(reply, reason):
        yield StreamEvent("token", content=f" {concierge.FALLBACK_NOTE}")
    async with database.transaction() as session:
        thread = await threads.get_thread(session, caller.organization_id, thread_id)
        await concierge.record_turn(
            session, caller, thread, text, reply, row, "auto",
            concierge.elapsed_ms(started), "chat_stream", turn.state,
        )  # fmt: skip
    yield StreamEvent("done", reply=reply)
