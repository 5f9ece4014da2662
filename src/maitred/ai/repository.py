"""Every query of the concierge, scoped to one organization by construction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, func, select, update

from maitred.ai.models import (
    AiConfirmation,
    AiFaq,
    AiMessage,
    AiSettings,
    AiThread,
    AiToolCall,
    AiUsage,
)
from maitred.kit.reads import ReadQuery
from maitred.kit.repository import Repository


class Threads(Repository[AiThread]):
    model = AiThread
    not_found_message = "No such thread"
    sorts = {"updated_at": AiThread.updated_at, "created_at": AiThread.created_at}

    async def for_conversation(self, conversation_id: uuid.UUID) -> AiThread | None:
        found: AiThread | None = await self.session.scalar(
            select(AiThread)
            .where(AiThread.organization_id == self.organization_id)
            .where(AiThread.conversation_id == conversation_id)
            .order_by(AiThread.created_at.desc())
            .limit(1)
        )
        return found

    async def claim(self, thread_id: uuid.UUID, now: datetime) -> AiThread | None:
        """The thread, read by the UPDATE that marks it in use: the row stays this unit of
        work's until it commits (PostgreSQL's row lock; SQLite's writers' turn)."""
        found: AiThread | None = (
            await self.session.scalars(
                update(AiThread)
                .where(AiThread.organization_id == self.organization_id, AiThread.id == thread_id)
                .values(updated_at=now)
                .returning(AiThread),
                execution_options={"synchronize_session": False},
            )
        ).one_or_none()
        return found

    def with_statuses(self, statuses: Sequence[str]) -> Select[tuple[AiThread]]:
        statement = self.scoped()
        if statuses:
            statement = statement.where(AiThread.status.in_(statuses))
        return statement

    async def open_handoffs_by_user(self) -> dict[uuid.UUID, int]:
        rows = await self.session.execute(
            select(AiThread.assigned_user_id, func.count(AiThread.id))
            .where(
                AiThread.organization_id == self.organization_id,
                AiThread.status == "handed_off",
                AiThread.assigned_user_id.is_not(None),
            )
            .group_by(AiThread.assigned_user_id)
        )
        return {user: int(count) for user, count in rows.all() if user is not None}

    async def add_cost(self, thread_id: uuid.UUID, micros: int) -> None:
        await self.session.execute(
            update(AiThread)
            .where(AiThread.organization_id == self.organization_id, AiThread.id == thread_id)
            .values(cost_micros=AiThread.cost_micros + micros)
        )


class Messages(Repository[AiMessage]):
    model = AiMessage

    async def of_thread(self, thread_id: uuid.UUID, *, last: int = 200) -> Sequence[AiMessage]:
        rows = await self.session.scalars(
            select(AiMessage)
            .where(AiMessage.organization_id == self.organization_id)
            .where(AiMessage.thread_id == thread_id)
            .order_by(AiMessage.created_at.desc(), AiMessage.id.desc())
            .limit(last)
        )
        return list(reversed(rows.all()))


class ToolCalls(Repository[AiToolCall]):
    model = AiToolCall

    async def of_thread(self, thread_id: uuid.UUID) -> Sequence[AiToolCall]:
        rows = await self.session.scalars(
            select(AiToolCall)
            .where(AiToolCall.organization_id == self.organization_id)
            .where(AiToolCall.thread_id == thread_id)
            .order_by(AiToolCall.created_at)
        )
        return rows.all()


class Confirmations(Repository[AiConfirmation]):
    model = AiConfirmation

    async def by_hash(self, token_hash: str) -> AiConfirmation | None:
        found: AiConfirmation | None = await self.session.scalar(
            select(AiConfirmation)
            .where(AiConfirmation.organization_id == self.organization_id)
            .where(AiConfirmation.token_hash == token_hash)
        )
        return found

    async def claim(self, confirmation_id: uuid.UUID, now: datetime) -> bool:
        """pending -> running, once: of two confirms at the same time only one runs the tool."""
        result = await self.session.execute(
            update(AiConfirmation)
            .where(
                AiConfirmation.organization_id == self.organization_id,
                AiConfirmation.id == confirmation_id,
                AiConfirmation.status == "pending",
                AiConfirmation.expires_at > now,
            )
            .values(status="running", updated_at=now)
        )
        return bool(getattr(result, "rowcount", 0))


class UsageLedger(Repository[AiUsage]):
    model = AiUsage

    async def totals(self, since: datetime, until: datetime | None = None) -> dict[str, Any]:
        statement = select(
            func.count(AiUsage.id),
            func.coalesce(func.sum(AiUsage.input_tokens), 0),
            func.coalesce(func.sum(AiUsage.output_tokens), 0),
            func.coalesce(func.sum(AiUsage.cost_micros), 0),
            func.coalesce(func.avg(AiUsage.latency_ms), 0),
        ).where(AiUsage.organization_id == self.organization_id, AiUsage.created_at >= since)
        if until is not None:
            statement = statement.where(AiUsage.created_at < until)
        calls, tokens_in, tokens_out, cost, latency = (await self.session.execute(statement)).one()
        return {
            "calls": int(calls),
            "input_tokens": int(tokens_in),
            "output_tokens": int(tokens_out),
            "cost_micros": int(cost),
            "average_latency_ms": float(latency or 0),
        }

    async def by_engine(self, since: datetime) -> dict[str, int]:
        rows = await self.session.execute(
            select(AiUsage.engine, func.count(AiUsage.id))
            .where(AiUsage.organization_id == self.organization_id, AiUsage.created_at >= since)
            .group_by(AiUsage.engine)
        )
        return {engine: int(count) for engine, count in rows.all()}


class Faqs(Repository[AiFaq]):
    model = AiFaq
    not_found_message = "No such FAQ entry"

    async def listed(self, status: str | None) -> Sequence[AiFaq]:
        statement = select(AiFaq).where(AiFaq.organization_id == self.organization_id)
        if status:
            statement = statement.where(AiFaq.status == status)
        return (await self.session.scalars(statement.order_by(AiFaq.created_at))).all()

    async def approved(self) -> Sequence[AiFaq]:
        return (
            await self.session.scalars(
                select(AiFaq)
                .where(AiFaq.organization_id == self.organization_id)
                .where(AiFaq.status == "approved", AiFaq.active.is_(True))
            )
        ).all()


class SettingsRows(Repository[AiSettings]):
    model = AiSettings

    async def one(self) -> AiSettings | None:
        found: AiSettings | None = await self.session.scalar(
            select(AiSettings).where(AiSettings.organization_id == self.organization_id)
        )
        return found


# The organization's assistant settings as committed, for a turn that only reads them.
SETTINGS_ROW = ReadQuery(
    select(cast(Table, AiSettings.__table__)).where(
        AiSettings.organization_id == bindparam("organization_id")
    )
)
