"""Queries of CRM records and their status history; all scoped to one organization.

Ids that may be maitred's (UUIDs) or an outside system's (any string) are matched against both
columns, so `?facilitator_id=7` finds a pushed-in record and a facilitator's UUID finds both.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select, update

from maitred.crm.models import CrmRecord, CrmStatusChange
from maitred.kit.list_params import CreatedWindow, ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo
from maitred.kit.repository import Repository, escape_like


def as_uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def either_id(inside: Any, outside: Any, raw: str) -> ColumnElement[bool]:
    """`raw` as maitred's UUID in `inside` or as an outside id in `outside`."""
    parsed = as_uuid(raw)
    if parsed is None:
        return outside == raw  # type: ignore[no-any-return]
    return or_(inside == parsed, outside == raw)


@dataclass(frozen=True)
class Audience:
    """Whose records a caller sees: everyone's, or (a facilitator) only their own."""

    restricted: bool = False
    facilitator_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RecordFilters:
    facilitator_id: str | None = None
    event_id: str | None = None
    user_id: str | None = None
    booking_status: str | None = None
    crm_status: str | None = None
    kind: str | None = None
    event_type: str | None = None
    received_from: datetime | None = None
    received_before: datetime | None = None


class CrmRecordRepository(Repository[CrmRecord]):
    model: ClassVar[type[Any]] = CrmRecord
    not_found_message: ClassVar[str] = "No CRM record for this booking"
    sorts: ClassVar[Mapping[str, Any]] = {
        "received_at": CrmRecord.received_at,
        "created_at": CrmRecord.created_at,
        "event_start": CrmRecord.event_starts_at,
        "contact_name": func.lower(CrmRecord.contact_name),
        "crm_status": CrmRecord.crm_status,
    }

    async def listed(
        self,
        params: PageParams,
        listing: ListQuery,
        window: CreatedWindow,
        statement: Select[tuple[CrmRecord]],
    ) -> tuple[Sequence[CrmRecord], PaginationInfo]:
        """`search`: part of the contact's name or of the event's title."""
        if listing.search:
            pattern = f"%{escape_like(listing.search.lower())}%"
            statement = statement.where(
                or_(
                    func.lower(CrmRecord.contact_name).like(pattern, escape="\\"),
                    func.lower(CrmRecord.event_title).like(pattern, escape="\\"),
                )
            )
        return await self.listing_page(params, listing, window, statement)

    def visible(self, audience: Audience) -> Select[tuple[CrmRecord]]:
        statement = self.scoped()
        if audience.restricted:
            statement = statement.where(
                CrmRecord.facilitator_id == audience.facilitator_id
                if audience.facilitator_id is not None
                else false()
            )
        return statement

    async def find(self, reference: str, audience: Audience) -> CrmRecord | None:
        """By maitred's booking id, the record's own id, or the outside booking id."""
        parsed = as_uuid(reference)
        matches = [CrmRecord.external_id == reference]
        if parsed is not None:
            matches += [CrmRecord.booking_id == parsed, CrmRecord.id == parsed]
        found: CrmRecord | None = await self.session.scalar(
            self.visible(audience).where(or_(*matches)).limit(1)
        )
        return found

    async def by_external_id(self, external_id: str) -> CrmRecord | None:
        found: CrmRecord | None = await self.session.scalar(
            self.scoped().where(CrmRecord.external_id == external_id)
        )
        return found

    async def by_booking(self, booking_id: uuid.UUID) -> CrmRecord | None:
        found: CrmRecord | None = await self.session.scalar(
            self.scoped().where(CrmRecord.booking_id == booking_id)
        )
        return found

    async def move_status(
        self, record_id: uuid.UUID, *, expected: str, target: str, at: datetime
    ) -> bool:
        """Compare-and-swap: moves only if nobody moved it since it was read."""
        result = await self.session.execute(
            update(CrmRecord)
            .where(
                CrmRecord.organization_id == self.organization_id,
                CrmRecord.id == record_id,
                CrmRecord.crm_status == expected,
            )
            .values(crm_status=target, updated_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def current_status(self, record_id: uuid.UUID) -> str | None:
        found: str | None = await self.session.scalar(
            select(CrmRecord.crm_status).where(
                CrmRecord.organization_id == self.organization_id, CrmRecord.id == record_id
            )
        )
        return found

    def matching(self, audience: Audience, filters: RecordFilters) -> Select[tuple[CrmRecord]]:
        statement = self.visible(audience)
        f = filters
        if f.facilitator_id:
            statement = statement.where(
                either_id(
                    CrmRecord.facilitator_id, CrmRecord.external_facilitator_id, f.facilitator_id
                )
            )
        if f.event_id:
            statement = statement.where(
                either_id(CrmRecord.event_id, CrmRecord.external_event_id, f.event_id)
            )
        if f.user_id:
            parsed = as_uuid(f.user_id)
            user_matches = [CrmRecord.external_user_id == f.user_id]
            if parsed is not None:
                user_matches += [CrmRecord.user_id == parsed, CrmRecord.customer_id == parsed]
            statement = statement.where(or_(*user_matches))
        if f.booking_status:
            statement = statement.where(CrmRecord.booking_status == f.booking_status)
        if f.crm_status:
            statement = statement.where(CrmRecord.crm_status == f.crm_status)
        if f.kind:
            statement = statement.where(CrmRecord.kind == f.kind)
        if f.event_type:
            statement = statement.where(CrmRecord.event_type == f.event_type)
        if f.received_from:
            statement = statement.where(CrmRecord.received_at >= f.received_from)
        if f.received_before:
            statement = statement.where(CrmRecord.received_at < f.received_before)
        return statement

    async def count(self, statement: Select[tuple[CrmRecord]]) -> int:
        total = await self.session.scalar(
            select(func.count()).select_from(statement.order_by(None).subquery())
        )
        return int(total or 0)

    async def latest(self, statement: Select[tuple[CrmRecord]], limit: int) -> Sequence[CrmRecord]:
        return await self.all(
            statement.order_by(CrmRecord.received_at.desc(), CrmRecord.id.desc()).limit(limit)
        )

    async def statistics(
        self, where: ColumnElement[bool], recent_since: datetime
    ) -> dict[str, int]:
        """Seed 002's facilitator statistics in one aggregate query."""

        def tally(condition: ColumnElement[bool]) -> Any:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        row = (
            await self.session.execute(
                select(
                    func.count().label("total_bookings"),
                    tally(CrmRecord.event_type == "session").label("session_bookings"),
                    tally(CrmRecord.event_type == "retreat").label("retreat_bookings"),
                    tally(CrmRecord.received_at >= recent_since).label("recent_bookings"),
                    (
                        func.count(func.distinct(CrmRecord.customer_id))
                        + func.count(func.distinct(CrmRecord.external_user_id))
                    ).label("unique_users"),
                    (
                        func.count(func.distinct(CrmRecord.event_id))
                        + func.count(func.distinct(CrmRecord.external_event_id))
                    ).label("unique_events"),
                ).where(CrmRecord.organization_id == self.organization_id, where)
            )
        ).one()
        return {key: int(value) for key, value in row._mapping.items()}

    async def popular_events(self, where: ColumnElement[bool], limit: int) -> list[dict[str, Any]]:
        """Events by number of bookings, most first (ties by title)."""
        count = func.count().label("booking_count")
        title = func.max(CrmRecord.event_title).label("event_title")
        rows = await self.session.execute(
            select(
                CrmRecord.event_id,
                CrmRecord.external_event_id,
                title,
                func.max(CrmRecord.event_type).label("event_type"),
                count,
            )
            .where(
                CrmRecord.organization_id == self.organization_id,
                where,
                or_(CrmRecord.event_id.is_not(None), CrmRecord.external_event_id.is_not(None)),
            )
            .group_by(CrmRecord.event_id, CrmRecord.external_event_id)
            .order_by(count.desc(), title.asc())
            .limit(limit)
        )
        return [dict(row._mapping) for row in rows]

    async def figures(self, audience: Audience) -> dict[str, int]:
        """Seed 002's CRM health figures: records, and distinct facilitators and events."""
        visible = self.visible(audience).subquery()
        row = (
            await self.session.execute(
                select(
                    func.count().label("notifications_received"),
                    (
                        func.count(func.distinct(visible.c.facilitator_id))
                        + func.count(func.distinct(visible.c.external_facilitator_id))
                    ).label("unique_facilitators"),
                    (
                        func.count(func.distinct(visible.c.event_id))
                        + func.count(func.distinct(visible.c.external_event_id))
                    ).label("unique_events"),
                ).select_from(visible)
            )
        ).one()
        return {key: int(value) for key, value in row._mapping.items()}

    async def any_with_outside_facilitator(self, external_id: str) -> bool:
        found = await self.session.scalar(
            select(CrmRecord.id)
            .where(
                and_(
                    CrmRecord.organization_id == self.organization_id,
                    CrmRecord.external_facilitator_id == external_id,
                )
            )
            .limit(1)
        )
        return found is not None


class CrmStatusChangeRepository(Repository[CrmStatusChange]):
    model: ClassVar[type[Any]] = CrmStatusChange

    async def of_record(self, record_id: uuid.UUID) -> Sequence[CrmStatusChange]:
        """Oldest first; the first line is the record's arrival (from nothing to `new`)."""
        return await self.all(
            self.scoped()
            .where(CrmStatusChange.record_id == record_id)
            .order_by(
                CrmStatusChange.created_at,
                CrmStatusChange.from_status.is_not(None),
                CrmStatusChange.id,
            )
        )
