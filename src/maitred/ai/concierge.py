"""One turn of the concierge, whichever channel it came from: open the thread, choose the
engine (the LLM when configured and within budget, else offline; the offline one also answers
when the LLM fails, and the answer says so), run it over the tool registry, then keep the
messages, the dialogue state, the ledger row and any handoff."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai import ai_settings, confirmations, replies, threads, turn_rows, usage
from maitred.ai.engines.base import Engine, Reply, Turn
from maitred.ai.engines.offline import OfflineEngine
from maitred.ai.engines.openai_compatible import Endpoint, EngineFailed, LlmEngine
from maitred.ai.models import AiMessage, AiSettings, AiThread
from maitred.ai.nlu import sentiment
from maitred.ai.repository import Messages
from maitred.ai.tools import ToolContext
from maitred.bookings import service as bookings_service
from maitred.config import Settings
from maitred.identity.deps import AuthContext
from maitred.kit.clock import utcnow
from maitred.kit.errors import NotFound
from maitred.kit.permissions import permissions_for
from maitred.kit.roles import Role
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization

_YES = re.compile(r"^\s*(yes|y|yep|confirm|confirmed|ok|okay|s[ií]|confirmo)\b[\s.!]*$", re.I)
SILENT = "A person from our team has this conversation and will reply here."
FALLBACK_NOTE = (
    "(Our assistant's AI model is unavailable, so this answer is from the basic assistant.)"
)


@dataclass(frozen=True)
class Caller:
    organization_id: uuid.UUID
    auth: AuthContext | None = None  # None: a visitor, or a person on a message channel
    # The organization's row as the request read it (a visitor's), if it did.
    organization: Organization | None = field(default=None, compare=False, repr=False)


@dataclass
class TurnResult:
    thread: AiThread
    reply: Reply
    elapsed_ms: int
    mode: str = "auto"
    silent: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    # The assistant's message of this turn in the thread (a draft, in draft mode).
    message: AiMessage | None = None

    def as_seed(self) -> dict[str, Any]:
        """Seed 001's answer of POST /ai/chat."""
        reply = self.reply
        return {
            "response": reply.text,
            "thread_id": f"thread_{self.thread.id}",
            "intent": reply.intent,
            "suggested_actions": reply.suggested_actions,
            "metadata": {
                "model": reply.model,
                "engine": reply.engine,
                "tokens_used": reply.input_tokens + reply.output_tokens,
                "response_time_ms": self.elapsed_ms,
                "fallback_reason": reply.fallback_reason,
                "handed_off": self.thread.status == "handed_off",
                "confidence": round(reply.confidence, 3),
                "language": reply.language,
            },
        }


def assistant_auth(organization_id: uuid.UUID) -> AuthContext:
    """The assistant's own identity (seed 000's ai_system role) for callers nobody signed in."""
    return AuthContext(
        role=Role.ai_system,
        permissions=permissions_for(Role.ai_system),
        organization_id=organization_id,
    )


def tool_context(thread: AiThread, caller: Caller, engine: str) -> ToolContext:
    state = thread.state or {}
    own = frozenset(uuid.UUID(b) for b in state.get("own_bookings", []))
    return ToolContext(
        organization_id=caller.organization_id,
        auth=caller.auth or assistant_auth(caller.organization_id),
        visitor=caller.auth is None,
        thread_id=thread.id,
        channel=thread.channel,
        verified_customer_id=thread.verified_customer_id,
        own_booking_ids=own,
        engine=engine,
    )


async def choose_engine(
    session: AsyncSession, organization_id: uuid.UUID, settings: Settings
) -> tuple[Engine, AiSettings | None, str | None]:
    row = await ai_settings.row_of(session, organization_id)
    key = (row.llm_api_key if row else None) or settings.ai_api_key
    if not key:
        return OfflineEngine(), row, None
    if await usage.budget_spent(session, organization_id, row):
        return OfflineEngine(), row, "budget"
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        raise NotFound("No such organization")
    org_settings = tenancy_service.settings_of(organization)
    endpoint = Endpoint(
        base_url=(row.llm_base_url if row else None) or settings.ai_base_url or None,
        api_key=key,
        model=(row.llm_model if row else None) or settings.ai_model,
        timeout=settings.ai_timeout_seconds,
        max_retries=settings.ai_max_retries,
    )
    system = {
        "business": organization.name,
        "today": utcnow().astimezone(ZoneInfo(organization.timezone)).date().isoformat(),
        "timezone": organization.timezone,
        "event_types": ", ".join(org_settings.bookings.event_types),
    }
    return LlmEngine(endpoint, system), row, None


async def make_turn(
    session: AsyncSession,
    thread: AiThread,
    caller: Caller,
    text: str,
    engine: str,
    organization: Organization | None = None,
) -> Turn:
    earlier = (
        []
        if threads.is_new(session, thread)
        else await Messages(session, caller.organization_id).of_thread(thread.id, last=20)
    )
    return Turn(
        text=text,
        context=tool_context(thread, caller, engine),
        now=utcnow(),
        state=dict(thread.state or {}),
        history=[(m.role, m.content) for m in earlier if m.status == "sent"],
        organization=organization,
    )


def language_of(thread: AiThread) -> str:
    """The language the conversation is held in (the dialogue remembers it)."""
    return str((thread.state or {}).get("language") or "en")


def after_confirm(thread: AiThread, tool: str, result: dict[str, Any]) -> None:
    state = dict(thread.state or {})
    state.pop("pending", None)
    if tool == "create_booking":
        state["own_bookings"] = sorted({*state.get("own_bookings", []), result["booking_id"]})
        state["done"], state["flow"], state["time_ok"] = True, None, False
    thread.state = state


async def confirm(
    session: AsyncSession, caller: Caller, thread: AiThread, token: str
) -> dict[str, Any]:
    """`POST /ai/confirm`: the draft behind `token`, run once, in its own thread only."""
    context = tool_context(thread, caller, "confirm")
    found, result = await confirmations.confirm(session, context, token)
    after_confirm(thread, found.tool, result)
    if found.tool == "create_booking" and thread.customer_id is None:
        # The thread is now this customer's: their erasure reaches it.
        viewer = bookings_service.Viewer(caller.organization_id, None, is_customer=False)
        booked = await bookings_service.get_booking(
            session, viewer, uuid.UUID(result["booking_id"])
        )
        thread.customer_id = booked["customer_id"]
    text = replies.confirmed(language_of(thread), found.tool, result)
    Messages(session, caller.organization_id).add(
        AiMessage(thread_id=thread.id, role="assistant", content=text, engine="confirm",
                  status="sent", tool_calls=[{"tool": found.tool, "outcome": "confirmed"}])
    )  # fmt: skip
    thread.updated_at = utcnow()
    await session.flush()
    return {
        "status": "confirmed",
        "tool": found.tool,
        "thread_id": f"thread_{thread.id}",
        "result": result,
        "message": text,
    }


async def _channel_confirmation(
    session: AsyncSession, caller: Caller, thread: AiThread, text: str
) -> Reply | None:
    """On a message channel the customer cannot press a button: "YES" to the draft the
    assistant just showed them confirms it (the token never leaves the server)."""
    pending = (thread.state or {}).get("pending")
    if thread.channel == "web" or not pending or not _YES.match(text):
        return None
    answer = await confirm(session, caller, thread, pending["token"])
    return Reply(text=answer["message"], intent="create_booking", confidence=1.0, engine="confirm",
                 model="none")  # fmt: skip


async def record_turn(
    session: AsyncSession,
    caller: Caller,
    thread: AiThread,
    text: str,
    reply: Reply,
    row: AiSettings | None,
    mode: str,
    elapsed_ms: int,
    endpoint: str,
    state: dict[str, Any] | None,
    tool_calls: Sequence[dict[str, Any]] = (),
) -> AiMessage:
    """The turn's rows: the thread as the turn left it, the audit of its tool calls still held
    (`tool_calls`), both messages and the ledger row, with compiled statements
    (ai/turn_rows.py). Returns the assistant's message."""
    # A tool that failed rolled its savepoint back, which expires what the session holds.
    if inspect(thread).expired_attributes:
        await session.refresh(thread)
    organization_id = caller.organization_id
    question = turn_rows.message_row(
        organization_id, thread.id, role="user", content=text, intent=reply.intent,
        sentiment=sentiment(text),
    )  # fmt: skip
    answer = turn_rows.message_row(
        organization_id,
        thread.id,
        role="assistant",
        content=reply.text,
        intent=reply.intent,
        engine=reply.engine,
        status="draft" if mode == "draft" else "sent",
        tool_calls=[{"tool": t.tool, "outcome": t.outcome} for t in reply.tools],
    )
    if state is not None:
        thread.state = _merged(state, thread.state or {})
    thread.last_intent = reply.intent
    thread.updated_at = utcnow()
    if reply.handoff:
        await threads.hand_off(session, thread, reply.handoff)
    await turn_rows.write(session, thread, tool_calls, [question, answer])
    await usage.record(
        session,
        organization_id,
        row=row,
        thread_id=thread.id,
        endpoint=endpoint,
        engine=reply.engine,
        model=reply.model,
        input_tokens=reply.input_tokens,
        output_tokens=reply.output_tokens,
        latency_ms=elapsed_ms,
        fallback_reason=reply.fallback_reason,
    )
    return answer


# Kept by tools on the thread itself during the turn (the one-time code's proof).
_TOOL_KEYS = ("proof",)


def _merged(dialogue: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    merged = {k: v for k, v in dialogue.items() if k not in _TOOL_KEYS}
    merged.update({k: stored[k] for k in _TOOL_KEYS if k in stored})
    return merged


async def silent_turn(session: AsyncSession, caller: Caller, thread: AiThread, text: str) -> Reply:
    Messages(session, caller.organization_id).add(
        AiMessage(thread_id=thread.id, role="user", content=text, sentiment=sentiment(text))
    )
    thread.updated_at = utcnow()
    await session.flush()
    return Reply(text=SILENT, intent="other", engine="none", model="none")


async def respond(
    session: AsyncSession,
    caller: Caller,
    thread: AiThread,
    text: str,
    settings: Settings,
    *,
    mode: str = "auto",
    endpoint: str = "chat",
) -> TurnResult:
    started = time.perf_counter()
    if thread.status == "handed_off":
        reply = await silent_turn(session, caller, thread, text)
        return TurnResult(thread, reply, elapsed_ms(started), mode, silent=True)
    confirmed = await _channel_confirmation(session, caller, thread, text)
    if confirmed is not None:
        answer = await record_turn(
            session,
            caller,
            thread,
            text,
            confirmed,
            None,
            mode,
            elapsed_ms(started),
            endpoint,
            None,
        )
        return TurnResult(thread, confirmed, elapsed_ms(started), mode, message=answer)
    engine, row, reason = await choose_engine(session, caller.organization_id, settings)
    # Held for the turn: the understanding and the pricing read the row again (the session
    # keeps its rows only while something refers to them).
    organization = caller.organization or await tenancy_service.get(session, caller.organization_id)
    turn = await make_turn(session, thread, caller, text, engine.name, organization)
    held: list[dict[str, Any]] = []
    try:
        if isinstance(engine, OfflineEngine):  # fails only as a bug would: no partial work
            held = turn_rows.hold_tool_calls(session)
            try:
                reply = await engine.respond(session, turn)
            finally:
                turn_rows.release_tool_calls(session)
        else:
            # The thread's row first: the savepoint below must not undo it.
            await turn_rows.written(session, thread.id)
            async with session.begin_nested():  # what a failing model did is undone
                reply = await engine.respond(session, turn)
    except EngineFailed as failure:
        turn = await make_turn(session, thread, caller, text, "offline")
        reply = await OfflineEngine().respond(session, turn)
        reason = failure.reason
    with_fallback(reply, reason)
    elapsed = elapsed_ms(started)
    answer = await record_turn(
        session, caller, thread, text, reply, row, mode, elapsed, endpoint, turn.state, held
    )
    return TurnResult(thread, reply, elapsed, mode, message=answer)


def with_fallback(reply: Reply, reason: str | None) -> bool:
    """Says in the reply why the LLM did not answer, when it did not."""
    if reason is None:
        return False
    reply.fallback_reason = reason
    reply.text = f"{reply.text} {FALLBACK_NOTE}"
    return True


def elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
