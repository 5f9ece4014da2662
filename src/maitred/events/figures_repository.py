"""Seats sold against capacity of the events held in a period, for analytics: one grouped
statement by event type. Cancelled events sold nothing and offered nothing."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import func, select

from maitred.events.models import Event
from maitred.kit.repository import Repository


class EventFigures(Repository[Event]):
    model: ClassVar[type[Any]] = Event

    async def seats(
        self, since: datetime, until: datetime, location_id: uuid.UUID | None
    ) -> list[tuple[str, int, int, int]]:
        """(event type, events, seats offered, seats sold) of events starting in [since, until)."""
        statement = (
            select(
                Event.event_type,
                func.count(),
                func.coalesce(func.sum(Event.max_participants), 0),
                func.coalesce(func.sum(Event.seats_taken), 0),
            )
            .where(
                Event.organization_id == self.organization_id,
                Event.starts_at >= since,
                Event.starts_at < until,
                Event.status.not_in(("cancelled", "draft")),
            )
            .group_by(Event.event_type)
            .order_by(Event.event_type)
        )
        if location_id is not None:
            statement = statement.where(Event.location_id == location_id)
        return [
            (kind, int(n), int(offered), int(sold))
            for kind, n, offered, sold in (await self.session.execute(statement)).all()
        ]
