"""Queries of leads and their notes; all scoped to one organization."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Select, func, or_, select

from maitred.kit.repository import Repository, escape_like
from maitred.leads.models import Lead, LeadNote


class LeadRepository(Repository[Lead]):
    model: ClassVar[type[Any]] = Lead
    not_found_message: ClassVar[str] = "No such lead"
    sorts: ClassVar[Mapping[str, Any]] = {
        "created_at": Lead.created_at,
        "name": func.lower(Lead.name),
        "status": Lead.status,
        "event_date": Lead.event_date,
        "updated_at": Lead.updated_at,
    }

    async def booked_among(self, booking_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these bookings have their lead already (one statement for all)."""
        found = await self.session.scalars(
            select(Lead.booking_id).where(
                Lead.organization_id == self.organization_id, Lead.booking_id.in_(booking_ids)
            )
        )
        return {booking_id for booking_id in found if booking_id is not None}

    async def get_for_update(self, lead_id: uuid.UUID) -> Lead | None:
        found: Lead | None = await self.session.scalar(
            self.scoped().where(Lead.id == lead_id).with_for_update()
        )
        return found

    def matching(
        self,
        *,
        statuses: Sequence[str],
        source: str | None,
        created_from: datetime | None,
        created_before: datetime | None,
        assigned_to: uuid.UUID | None,
        name_part: str | None,
        email_index: str | None,
        phone_index: str | None,
    ) -> Select[tuple[Lead]]:
        statement = self.scoped()
        if statuses:
            statement = statement.where(Lead.status.in_(statuses))
        if source:
            statement = statement.where(Lead.source == source)
        if created_from:
            statement = statement.where(Lead.created_at >= created_from)
        if created_before:
            statement = statement.where(Lead.created_at < created_before)
        if assigned_to:
            statement = statement.where(Lead.assigned_to == assigned_to)
        found_by: list[ColumnElement[bool]] = []
        if name_part:
            found_by.append(Lead.name.ilike(f"%{escape_like(name_part)}%", escape="\\"))
        if email_index:
            found_by.append(Lead.email_index == email_index)
        if phone_index:
            found_by.append(Lead.phone_index == phone_index)
        if found_by:
            statement = statement.where(or_(*found_by))
        return statement


class LeadNoteRepository(Repository[LeadNote]):
    model: ClassVar[type[Any]] = LeadNote

    async def of_lead(self, lead_id: uuid.UUID) -> Sequence[LeadNote]:
        return await self.all(
            self.scoped()
            .where(LeadNote.lead_id == lead_id)
            .order_by(LeadNote.created_at, LeadNote.id)
        )
