"""The chef teams analytics measures utilisation of: active teams with their working days."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from sqlalchemy import select

from maitred.availability.models import ChefTeam
from maitred.kit.repository import Repository


class TeamFigures(Repository[ChefTeam]):
    model: ClassVar[type[Any]] = ChefTeam

    async def working(self, location_id: uuid.UUID | None) -> list[tuple[Any, ...]]:
        """(id, name, working_weekdays, time_off) of active teams, of one location if asked."""
        statement = (
            select(ChefTeam.id, ChefTeam.name, ChefTeam.working_weekdays, ChefTeam.time_off)
            .where(ChefTeam.organization_id == self.organization_id, ChefTeam.is_active.is_(True))
            .order_by(ChefTeam.name)
        )
        if location_id is not None:
            statement = statement.where(ChefTeam.location_id == location_id)
        return [tuple(row) for row in (await self.session.execute(statement)).all()]
