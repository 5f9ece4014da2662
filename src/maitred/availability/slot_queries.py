"""The availability answer's one read, compiled once (a `ReadQuery`): slots.py runs it for
every GET /availability, public or staff, so it lives apart from the claimers' statements
(repository.py), which the answer never runs."""

from __future__ import annotations

from sqlalchemy import Date, String, Uuid, bindparam, null, select, type_coerce, union_all

from maitred.availability.models import CapacityClaim, ChefTeam, active_at
from maitred.kit.db import UTCDateTime
from maitred.kit.reads import ReadQuery

# The availability answer's one read: the active claims whose span meets `since`..`until`
# (on the claims' organization/day index; the day bounds keep the scan to the days that can
# reach the slots), then every active team, with a NULL where the other part has no value. Team
# ids and JSON come back as the driver gives them: the answer only groups by the id, and parses
# each distinct JSON text once (availability/slots.py). A LEFT JOIN from the teams made SQLite
# walk the claims of every day once per team.
TEAMS_AND_CLAIMS = ReadQuery(
    union_all(
        select(
            type_coerce(CapacityClaim.team_id, String).label("team"),
            # As the driver gives them (SQLite: text; availability/slots.py `_moment`): the
            # ~50 team rows' NULLs then cost no conversion each.
            type_coerce(CapacityClaim.starts_at, String).label("starts_at"),
            type_coerce(CapacityClaim.ends_at, String).label("ends_at"),
            type_coerce(null(), String).label("working_weekdays"),
            type_coerce(null(), String).label("time_off"),
        ).where(
            CapacityClaim.organization_id == bindparam("claims_of", type_=Uuid()),
            CapacityClaim.day >= bindparam("first", type_=Date()),
            CapacityClaim.day <= bindparam("last", type_=Date()),
            active_at(bindparam("now", type_=UTCDateTime())),
            CapacityClaim.starts_at < bindparam("until", type_=UTCDateTime()),
            CapacityClaim.ends_at > bindparam("since", type_=UTCDateTime()),
        ),
        select(
            type_coerce(ChefTeam.id, String),
            type_coerce(null(), String),
            type_coerce(null(), String),
            type_coerce(ChefTeam.working_weekdays, String),
            type_coerce(ChefTeam.time_off, String),
        ).where(
            ChefTeam.organization_id == bindparam("teams_of", type_=Uuid()),
            ChefTeam.is_active.is_(True),
        ),
    )
)
