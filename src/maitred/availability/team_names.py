"""The active chef teams' ids and names, by name (the calendar's lanes and its move form): one
compiled read of committed data, without the ORM and the count a listing page costs."""

from __future__ import annotations

import functools
import uuid
from typing import Any

from sqlalchemy import Boolean, Integer, Uuid, bindparam, select

from maitred.availability.models import ChefTeam
from maitred.kit.reads import ReadPool, ReadQuery


@functools.cache
def _query() -> ReadQuery:
    return ReadQuery(
        select(ChefTeam.id, ChefTeam.name)
        .where(
            ChefTeam.organization_id == bindparam("organization_id", type_=Uuid()),
            ChefTeam.is_active == bindparam("active", type_=Boolean()),
        )
        .order_by(ChefTeam.name, ChefTeam.id)
        .limit(bindparam("limit", type_=Integer()))
        .offset(bindparam("offset", type_=Integer()))  # SQLite's LIMIT comes with an OFFSET
    )


async def active_teams(
    reads: ReadPool, organization_id: uuid.UUID, limit: int = 100
) -> list[dict[str, Any]]:
    return await reads.all(
        _query(), organization_id=organization_id, active=True, limit=limit, offset=0
    )
