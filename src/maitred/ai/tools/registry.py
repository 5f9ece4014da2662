"""One registry of tools for both engines. A tool is a function of (context, validated
arguments) that calls other domains' services with the caller's identity, in the caller's
organization. The registry checks who may call it, validates the arguments with the API's own
schemas, audits every call, and turns a committing tool into a draft and a confirmation token:
nothing commits until `confirm`.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai import turn_rows
from maitred.identity.deps import AuthContext
from maitred.kit.errors import AppError
from maitred.kit.roles import Role

STAFF_ROLES = frozenset({Role.admin, Role.manager, Role.staff, Role.super_admin})


@dataclass(frozen=True)
class ToolContext:
    """Who is asking, where. A visitor (nobody signed in, or a message channel) acts through the
    assistant's own `ai_system` identity, narrowed by the tool to what the thread has proved."""

    organization_id: uuid.UUID
    auth: AuthContext
    visitor: bool
    thread_id: uuid.UUID
    channel: str
    verified_customer_id: uuid.UUID | None = None
    own_booking_ids: frozenset[uuid.UUID] = frozenset()
    engine: str = "offline"

    @property
    def is_staff(self) -> bool:
        return not self.visitor and self.auth.role in STAFF_ROLES

    @property
    def is_customer(self) -> bool:
        return not self.visitor and self.auth.role == Role.customer


class ToolDenied(AppError):
    """The caller may not use this tool (or not on this record)."""

    status_code, code, message = 403, "forbidden", "You cannot do this here"


Runner = Callable[[AsyncSession, ToolContext, Any], Awaitable[dict[str, Any]]]
Preview = Callable[[AsyncSession, ToolContext, Any], Awaitable[str]]


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    arguments: type[BaseModel]
    run: Runner
    # Committing or spending: `run` only happens on `confirm`; `preview` describes the draft.
    commits: bool = False
    preview: Preview | None = None
    # Who may call it at all (the tool narrows further by record).
    allowed: Callable[[ToolContext], bool] = field(default=lambda context: True)
    # Writes nothing (reads other domains' services only): it runs without a savepoint and,
    # in a turn that defers its writes, outside SQLite's writers' turn.
    reads_only: bool = False

    def json_schema(self) -> dict[str, Any]:
        """The OpenAI tool definition: the same schema the API validates with."""
        schema = self.arguments.model_json_schema()
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": schema},
        }


TOOLS: dict[str, Tool] = {}


def tool(definition: Tool) -> Tool:
    TOOLS[definition.name] = definition
    return definition


@dataclass(frozen=True)
class ToolOutcome:
    """What a call came to: `ok` (result), `draft` (confirmation token), `denied`, `invalid` or
    `failed` (message). `for_model` is what an engine may show the model: never the token."""

    tool: str
    outcome: str
    result: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    confirmation_token: str | None = None
    arguments: dict[str, Any] = field(default_factory=dict)

    def for_model(self) -> dict[str, Any]:
        if self.outcome == "draft":
            return {
                "status": "awaiting_customer_confirmation",
                "summary": self.message,
                "note": "Ask the customer to press Confirm; nothing is done until they do.",
            }
        if self.outcome == "ok":
            return {"status": "ok", **self.result}
        return {"status": self.outcome, "message": self.message}


def _problems(error: ValidationError) -> str:
    parts = []
    for problem in error.errors()[:5]:
        where = ".".join(str(p) for p in problem["loc"]) or "arguments"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)


async def audit(
    session: AsyncSession,
    context: ToolContext,
    name: str,
    arguments: dict[str, Any],
    outcome: str,
    detail: str = "",
) -> None:
    await turn_rows.add_tool_call(
        session,
        {
            "organization_id": context.organization_id,
            "thread_id": context.thread_id,
            "tool": name[:40],
            "arguments": arguments,
            "outcome": outcome,
            "detail": detail[:2000],
            "actor_role": "visitor" if context.visitor else str(context.auth.role),
            "actor_user_id": None if context.visitor else context.auth.user_id,
            "engine": context.engine,
        },
    )


async def call_tool(
    session: AsyncSession, context: ToolContext, name: str, raw: dict[str, Any] | Any
) -> ToolOutcome:
    """Runs (or drafts) one call; every path is audited, none raises for the caller's input."""
    from maitred.ai import confirmations

    arguments = raw if isinstance(raw, dict) else {"_raw": str(raw)[:500]}
    definition = TOOLS.get(name)
    if definition is None:
        await audit(session, context, name, arguments, "invalid", "unknown tool")
        return ToolOutcome(
            name, "invalid", message=f"There is no tool named {name[:40]!r}", arguments=arguments
        )
    if not definition.allowed(context):
        await audit(session, context, name, arguments, "denied", "role")
        return ToolOutcome(name, "denied", message="You cannot do this here", arguments=arguments)
    try:
        parsed = definition.arguments.model_validate(arguments)
    except ValidationError as error:
        message = _problems(error)
        await audit(session, context, name, arguments, "invalid", message)
        return ToolOutcome(name, "invalid", message=message, arguments=arguments)
    if not definition.reads_only:
        # Its reads and writes come after the thread's row (which they may refer to), in the
        # writers' turn (ai/turn_rows.py).
        await turn_rows.written(session, context.thread_id)
    try:
        if definition.commits:
            summary = (
                await definition.preview(session, context, parsed) if definition.preview else name
            )
            token = await confirmations.draft(
                session, context, name, parsed.model_dump(mode="json", exclude_unset=True), summary
            )
            await audit(session, context, name, arguments, "draft", summary)
            return ToolOutcome(
                name, "draft", message=summary, confirmation_token=token, arguments=arguments
            )
        if definition.reads_only:
            result = await definition.run(session, context, parsed)
        else:
            async with session.begin_nested():
                result = await definition.run(session, context, parsed)
    except ToolDenied as denied:
        await audit(session, context, name, arguments, "denied", denied.message)
        return ToolOutcome(name, "denied", message=denied.message, arguments=arguments)
    except AppError as failure:
        detail = failure.message
        if failure.details:
            detail += " (" + "; ".join(f"{k}: {v}" for k, v in failure.details.items()) + ")"
        await audit(session, context, name, arguments, "failed", detail)
        return ToolOutcome(name, "failed", message=detail, arguments=arguments)
    await audit(session, context, name, arguments, "ok")
    return ToolOutcome(name, "ok", result=result, arguments=arguments)
