"""Drafts and single-use confirmation tokens: a committing tool call is stored with its exact
arguments, bound to its thread and an expiry; only `confirm` with the token runs it, once, and a
replay answers the stored result. Only the token's hash is kept."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai.models import AiConfirmation
from maitred.ai.repository import Confirmations
from maitred.kit.clock import utcnow
from maitred.kit.errors import AppError, InvalidState, NotFound

if TYPE_CHECKING:
    from maitred.ai.tools.registry import ToolContext

LIFETIME = timedelta(minutes=30)


class ConfirmationExpired(AppError):
    """The draft waited too long; ask again."""

    status_code, code, message = 409, "invalid_state", "This confirmation has expired; ask again"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def draft(
    session: AsyncSession,
    context: ToolContext,
    tool: str,
    arguments: dict[str, Any],
    summary: str,
) -> str:
    token = "cf_" + secrets.token_urlsafe(24)
    Confirmations(session, context.organization_id).add(
        AiConfirmation(
            thread_id=context.thread_id,
            token_hash=_hash(token),
            tool=tool,
            arguments=arguments,
            summary=summary[:2000],
            expires_at=utcnow() + LIFETIME,
            status="pending",
        )
    )
    await session.flush()
    return token


async def confirm(
    session: AsyncSession, context: ToolContext, token: str
) -> tuple[AiConfirmation, dict[str, Any]]:
    """Runs the drafted call with its stored arguments (the caller's rights checked again).
    A token of another thread or organization is not found; a replay gets the first result."""
    from maitred.ai.tools import TOOLS
    from maitred.ai.tools.registry import ToolDenied, audit

    confirmations = Confirmations(session, context.organization_id)
    found = await confirmations.by_hash(_hash(token.strip()))
    if found is None or found.thread_id != context.thread_id:
        raise NotFound("No such confirmation in this conversation")
    if found.status == "done" and found.result is not None:
        return found, found.result
    now = utcnow()
    if found.expires_at <= now and found.status == "pending":
        raise ConfirmationExpired()
    if not await confirmations.claim(found.id, now):
        await session.refresh(found)
        if found.status == "done" and found.result is not None:
            return found, found.result
        raise InvalidState("This confirmation is being used right now")
    definition = TOOLS[found.tool]
    arguments = definition.arguments.model_validate(found.arguments)
    if not definition.allowed(context):
        raise ToolDenied()
    # A failure raises: the request's transaction rolls back, the draft stays pending.
    result = await definition.run(session, context, arguments)
    found.status, found.result = "done", result
    await audit(session, context, found.tool, found.arguments, "confirmed")
    await session.flush()
    return found, result


def thread_of(confirmation: AiConfirmation) -> uuid.UUID:
    return confirmation.thread_id
