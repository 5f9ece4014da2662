"""The statements that claim a chef team (ClaimRepository's), in the SQL each database runs: the
day locks every claimer takes first, the one-statement claim of a free team for a new booking, and
PostgreSQL's claim-last message, whose values are written as literals (it is sent with the simple
query protocol, which binds nothing)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, String, Uuid, bindparam, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from maitred.availability.models import CapacityDay
from maitred.kit.db import UTCDateTime
from maitred.kit.writes import WriteStatement


def _take_day(insert: Any) -> Any:
    """Creates the day's lock row or bumps its version: either way the row is locked."""
    statement = insert(CapacityDay).values(
        id=bindparam("b_id"),
        organization_id=bindparam("b_organization_id"),
        day=bindparam("b_day"),
        version=0,
        created_at=bindparam("b_now"),
        updated_at=bindparam("b_now"),
    )
    return statement.on_conflict_do_update(
        index_elements=["organization_id", "day"],
        set_={"version": CapacityDay.version + 1, "updated_at": statement.excluded.updated_at},
    )


TAKE_DAY = {"postgresql": _take_day(pg_insert), "sqlite": _take_day(sqlite_insert)}

# A new booking's claim of one team in one statement: the first active team (by name) that works
# that day, has no time off then and no active claim overlapping the span, inserted and its id
# returned (no row: none is free). The claims are found on their (team, starts_at) index: a
# claim's span lasts at most two days, so one that overlaps starts within `reach` of the span.
_FREE_TEAM_CLAIM = """
INSERT INTO capacity_claims (id, organization_id, booking_id, team_id, day, starts_at, ends_at,
    expires_at, released_at, created_at, updated_at)
SELECT :id, :organization_id, :booking_id, t.id, :day, :starts_at, :ends_at, :expires_at, NULL,
    :now, :now
FROM chef_teams AS t
WHERE t.organization_id = :organization_id AND {active}{forced}
  AND {works}
  AND NOT EXISTS (
    SELECT 1 FROM capacity_claims AS c
    WHERE c.team_id = t.id AND c.starts_at > :reach AND c.starts_at < :ends_at
      AND c.ends_at > :starts_at AND c.released_at IS NULL
      AND (c.expires_at IS NULL OR c.expires_at > :now))
ORDER BY t.name, t.id
LIMIT 1
RETURNING team_id
"""
_WORKS = {
    "sqlite": """EXISTS (SELECT 1 FROM json_each(t.working_weekdays) AS w WHERE w.value = :weekday)
  AND NOT EXISTS (SELECT 1 FROM json_each(t.time_off) AS p
    WHERE json_extract(p.value, '$.date_from') <= :stamp
      AND :stamp <= json_extract(p.value, '$.date_to'))""",
    "postgresql": """t.working_weekdays @> jsonb_build_array(CAST(:weekday AS integer))
  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(t.time_off) = 'array'
      THEN t.time_off ELSE '[]'::jsonb END) AS p(v)
    WHERE p.v ->> 'date_from' <= CAST(:stamp AS text)
      AND CAST(:stamp AS text) <= p.v ->> 'date_to')""",
}
_ACTIVE = {"sqlite": "t.is_active = 1", "postgresql": "t.is_active"}


def _claim_binds(forced: bool) -> list[Any]:
    return [
        *(bindparam(name, type_=Uuid()) for name in ("id", "organization_id", "booking_id")),
        *(
            bindparam(name, type_=UTCDateTime())
            for name in ("starts_at", "ends_at", "expires_at", "now", "reach")
        ),
        bindparam("day", type_=Date()),
        bindparam("weekday", type_=Integer()),
        bindparam("stamp", type_=String()),
        *([bindparam("forced", type_=Uuid())] if forced else []),
    ]


def _free_team_claim(dialect: str, forced: bool) -> Any:
    statement = text(
        _FREE_TEAM_CLAIM.format(
            active=_ACTIVE[dialect],
            forced=" AND t.id = :forced" if forced else "",
            works=_WORKS[dialect],
        )
    ).bindparams(*_claim_binds(forced))
    return statement.columns(team_id=Uuid())


FREE_TEAM_CLAIMS = {
    (dialect, forced): WriteStatement(_free_team_claim(dialect, forced))
    for dialect in ("sqlite", "postgresql")
    for forced in (False, True)
}
# PostgreSQL, a new booking already written (the public booking's claim last, claims.py
# `claim_at_commit`): the day locks, the claim of one free team set on the booking, a check that
# one was claimed, and COMMIT, sent as one message (`ClaimRepository.claim_and_commit`).
_LOCK_DAYS_SQL = """INSERT INTO capacity_days (id, organization_id, day, version, created_at,
    updated_at) VALUES {rows}
ON CONFLICT (organization_id, day) DO UPDATE
SET version = capacity_days.version + 1, updated_at = excluded.updated_at"""
_CLAIM_NAMED_SQL = (
    "WITH claimed AS ("
    + _FREE_TEAM_CLAIM.format(active=_ACTIVE["postgresql"], forced="", works=_WORKS["postgresql"])
    + """), named AS (
  UPDATE bookings SET chef_team_id = claimed.team_id FROM claimed
  WHERE bookings.organization_id = :organization_id AND bookings.id = :booking_id)
SELECT team_id FROM claimed"""
)
_CLAIMED_OR_RAISE_SQL = """DO $$BEGIN
  IF NOT EXISTS (SELECT 1 FROM capacity_claims
    WHERE organization_id = :organization_id AND booking_id = :booking_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = '{message}';
  END IF;
END$$"""
NO_FREE_TEAM = "maitred: no free chef team"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_NAMED_PARAMETER = re.compile(r"(?<![:\w]):(\w+)")


def _literal(value: object) -> str:
    """A value of our own making as PostgreSQL text: only these types, so nothing a client sent
    can reach the SQL (the batch is sent with the simple query protocol, which binds nothing)."""
    if value is None:
        return "NULL"
    if isinstance(value, uuid.UUID):
        return f"'{value}'::uuid"
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return f"'{value.isoformat()}'::timestamptz"
        raise TypeError(f"no literal for a naive {type(value).__name__}")
    if isinstance(value, date):
        return f"'{value.isoformat()}'::date"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return f"'{value}'"
    raise TypeError(f"no literal for {type(value).__name__}")


def _with_literals(sql: str, values: Mapping[str, object]) -> str:
    return _NAMED_PARAMETER.sub(lambda found: _literal(values[found.group(1)]), sql)


def claim_last_sql(
    organization_id: uuid.UUID, days: Sequence[date], values: Mapping[str, object], now: datetime
) -> str:
    """The claim-last message: the day locks, the claim of a free team set on the booking, the
    check that one was claimed, COMMIT and BEGIN (`ClaimRepository.claim_and_commit` sends it)."""
    rows = ", ".join(
        "("
        + ", ".join(_literal(v) for v in (uuid.uuid4(), organization_id, lock_day, 0, now, now))
        + ")"
        for lock_day in sorted(set(days))
    )
    return ";\n".join(
        (
            _LOCK_DAYS_SQL.format(rows=rows),
            _with_literals(_CLAIM_NAMED_SQL, values),
            _with_literals(_CLAIMED_OR_RAISE_SQL.format(message=NO_FREE_TEAM), values),
            # A new, empty transaction for SQLAlchemy's own COMMIT to end: committing none
            # makes the server log a warning, every booking.
            "COMMIT",
            "BEGIN",
        )
    )
