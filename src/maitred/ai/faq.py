"""FAQ entries staff maintain; suggested ones come from questions the assistant could not
answer (ai/knowledge.py) and wait for an answer and approval."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai.models import AiFaq
from maitred.ai.repository import Faqs
from maitred.ai.schemas import FaqCreate, FaqUpdate
from maitred.kit.errors import ValidationFailed


def read(entry: AiFaq) -> dict[str, Any]:
    return {
        "id": entry.id,
        "question": entry.question,
        "answer": entry.answer,
        "status": entry.status,
        "asked_count": entry.asked_count,
        "active": entry.active,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
    }


async def list_entries(
    session: AsyncSession, organization_id: uuid.UUID, status: str | None
) -> list[dict[str, Any]]:
    return [read(e) for e in await Faqs(session, organization_id).listed(status)]


def _check(entry: AiFaq) -> None:
    if entry.status == "approved" and not entry.answer.strip():
        raise ValidationFailed(details={"answer": "An approved entry needs an answer"})


async def create(
    session: AsyncSession, organization_id: uuid.UUID, body: FaqCreate
) -> dict[str, Any]:
    entry = AiFaq(
        question=body.question.strip(),
        answer=body.answer.strip(),
        status=body.status,
        asked_count=0,
        active=True,
    )
    _check(entry)
    Faqs(session, organization_id).add(entry)
    await session.flush()
    return read(entry)


async def update(
    session: AsyncSession, organization_id: uuid.UUID, entry_id: uuid.UUID, body: FaqUpdate
) -> dict[str, Any]:
    entry = await Faqs(session, organization_id).get_or_404(entry_id)
    for name, value in body.model_dump(exclude_unset=True).items():
        if value is None:
            raise ValidationFailed(details={name: "Cannot be null"})
        setattr(entry, name, value.strip() if isinstance(value, str) else value)
    _check(entry)
    await session.flush()
    return read(entry)


async def delete(session: AsyncSession, organization_id: uuid.UUID, entry_id: uuid.UUID) -> None:
    entry = await Faqs(session, organization_id).get_or_404(entry_id)
    await session.delete(entry)
    await session.flush()
