"""Every query of the chef teams themselves: the staff's list and edits, and the calendar's
read of the active teams. Apart from the claim ledger (repository.py), which only reads the
teams it claims."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Select, delete, func, select

from maitred.availability.models import CapacityClaim, ChefTeam, active_at
from maitred.kit.repository import Repository


# The calendar's read of the teams, built once: building the statement anew cost more than
# running it.
class TeamRepository(Repository[ChefTeam]):
    model: ClassVar[type[Any]] = ChefTeam
    not_found_message: ClassVar[str] = "No such chef team"
    sorts: ClassVar[Mapping[str, Any]] = {
        "name": func.lower(ChefTeam.name),
        "created_at": ChefTeam.created_at,
    }

    def matching(self, *, is_active: bool | None) -> Select[tuple[ChefTeam]]:
        statement = self.scoped()
        if is_active is not None:
            statement = statement.where(ChefTeam.is_active.is_(is_active))
        return statement

    async def has_future_claims(self, team_id: uuid.UUID, now: datetime) -> bool:
        found = await self.session.scalar(
            select(CapacityClaim.id)
            .where(
                CapacityClaim.organization_id == self.organization_id,
                CapacityClaim.team_id == team_id,
                CapacityClaim.ends_at > now,
                active_at(now),
            )
            .limit(1)
        )
        return found is not None

    async def delete(self, team: ChefTeam) -> None:
        """The team and its spent claims (released, expired or past): they constrain nothing."""
        await self.session.execute(
            delete(CapacityClaim)
            .where(
                CapacityClaim.organization_id == self.organization_id,
                CapacityClaim.team_id == team.id,
            )
            .execution_options(synchronize_session=False)
        )
        await self.session.delete(team)
