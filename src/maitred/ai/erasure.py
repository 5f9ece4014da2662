"""A customer's erasure reaches their conversations with the assistant: what they wrote, what
it answered, the tool calls' arguments and the dialogue state go; the threads' dates, channels,
statuses and costs stay for the ledger."""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai.models import AiConfirmation, AiMessage, AiThread, AiToolCall
from maitred.kit.erasure import Person, eraser

ERASED = "[erased]"


@eraser("ai_threads", order=60)
async def erase_threads(session: AsyncSession, person: Person) -> int:
    thread_ids = set(
        (
            await session.execute(
                select(AiThread.id).where(
                    AiThread.organization_id == person.organization_id,
                    or_(
                        AiThread.customer_id == person.customer_id,
                        AiThread.verified_customer_id == person.customer_id,
                    ),
                )
            )
        ).scalars()
    )
    if not thread_ids:
        return 0
    org = person.organization_id
    await session.execute(
        update(AiThread)
        .where(AiThread.organization_id == org, AiThread.id.in_(thread_ids))
        .values(state={}, handoff_reason=None)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(AiMessage)
        .where(AiMessage.organization_id == org, AiMessage.thread_id.in_(thread_ids))
        .values(content=ERASED)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(AiToolCall)
        .where(AiToolCall.organization_id == org, AiToolCall.thread_id.in_(thread_ids))
        .values(arguments={}, detail="")
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(AiConfirmation)
        .where(AiConfirmation.organization_id == org, AiConfirmation.thread_id.in_(thread_ids))
        .values(arguments={}, summary="", result={})
        .execution_options(synchronize_session=False)
    )
    return len(thread_ids)
