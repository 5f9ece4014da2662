"""The one interface of both engines: a turn in, a reply out (or a stream of events ending in
the reply). A handoff is an explicit field of the reply, never read out of its text."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai.tools import ToolContext, ToolOutcome
from maitred.tenancy.models import Organization

HANDOFF_ACTION = {"type": "handoff", "label": "Talk to a person", "action": "handoff"}


@dataclass
class Turn:
    text: str
    context: ToolContext
    now: datetime
    # What the dialogue gathered so far (the thread's state); the engine updates it in place.
    state: dict[str, Any]
    # Earlier messages, oldest first: ("user" | "assistant" | "staff", text).
    history: list[tuple[str, str]] = field(default_factory=list)
    agent: str = "customer"
    # Runs one tool call in a unit of work of its own, so that no transaction stays open while
    # a model streams (the SSE route); None: in the session the engine was given.
    run_tool: Callable[[str, dict[str, Any]], Awaitable[ToolOutcome]] | None = None
    # The organization's row, held while the turn runs: its understanding and tools read it
    # from the session's identity map instead of the database.
    organization: Organization | None = None


@dataclass
class Reply:
    text: str
    intent: str = "other"
    confidence: float = 0.0
    language: str = "en"
    suggested_actions: list[dict[str, Any]] = field(default_factory=list)
    tools: list[ToolOutcome] = field(default_factory=list)
    handoff: str | None = None
    engine: str = "offline"
    model: str = "offline"
    input_tokens: int = 0
    output_tokens: int = 0
    # Why the LLM did not answer (error, rate_limited, budget): the offline engine did.
    fallback_reason: str | None = None


@dataclass(frozen=True)
class StreamEvent:
    """`token` (content), `tool` (name, outcome) or `done` (the whole reply)."""

    kind: str
    content: str = ""
    tool: ToolOutcome | None = None
    reply: Reply | None = None


class Engine(Protocol):
    name: str

    async def respond(self, session: AsyncSession, turn: Turn) -> Reply: ...

    def stream(self, session: AsyncSession | None, turn: Turn) -> AsyncIterator[StreamEvent]:
        """`session` may be None when `turn.run_tool` runs the tools."""
        ...
