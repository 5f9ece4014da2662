"""The default engine: no key, no download at run time. It understands with ai.nlu and runs
the dialogue (ai/dialogue.py) over the same tools as the LLM engine."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai.dialogue import Dialogue
from maitred.ai.engines.base import Reply, StreamEvent, Turn

_PIECES = re.compile(r"\S+\s*")


class OfflineEngine:
    name = "offline"

    async def respond(self, session: AsyncSession, turn: Turn) -> Reply:
        return await Dialogue(session, turn).run()

    async def stream(self, session: AsyncSession | None, turn: Turn) -> AsyncIterator[StreamEvent]:
        assert session is not None  # the dialogue reads and writes as it goes
        reply = await self.respond(session, turn)
        for event in events_of(reply):
            yield event
        yield StreamEvent("done", reply=reply)


def events_of(reply: Reply) -> list[StreamEvent]:
    """A reply made at once, as a stream's events (its tool calls, then its words)."""
    events = [StreamEvent("tool", tool=outcome) for outcome in reply.tools]
    events += [StreamEvent("token", content=piece) for piece in _PIECES.findall(reply.text)]
    return events
