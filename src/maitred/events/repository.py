"""Queries of events and facilitators, scoped to one organization by construction."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Select, case, delete, func, or_, select, update

from maitred.events.models import Event, Facilitator
from maitred.kit.list_params import CreatedWindow, ListQuery, created_within
from maitred.kit.pagination import PageParams, PaginationInfo, paginate
from maitred.kit.repository import Repository, escape_like


class FacilitatorRepository(Repository[Facilitator]):
    model: ClassVar[type[Any]] = Facilitator
    not_found_message: ClassVar[str] = "No such facilitator"
    sorts: ClassVar[Mapping[str, Any]] = {
        "name": func.lower(Facilitator.name),
        "created_at": Facilitator.created_at,
    }

    async def listed(
        self,
        params: PageParams,
        listing: ListQuery,
        window: CreatedWindow,
        *,
        is_active: bool | None,
    ) -> tuple[Sequence[Facilitator], PaginationInfo]:
        statement = self.scoped()
        if is_active is not None:
            statement = statement.where(Facilitator.is_active.is_(is_active))
        if listing.search:
            pattern = f"%{escape_like(listing.search.lower())}%"
            statement = statement.where(func.lower(Facilitator.name).like(pattern, escape="\\"))
        return await self.listing_page(params, listing, window, statement)

    async def by_ids(self, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Facilitator]:
        if not ids:
            return {}
        rows = await self.all(self.scoped().where(Facilitator.id.in_(ids)))
        return {row.id: row for row in rows}

    async def of_user(self, user_id: uuid.UUID) -> Facilitator | None:
        found: Facilitator | None = await self.session.scalar(
            self.scoped().where(Facilitator.user_id == user_id)
        )
        return found


class EventRepository(Repository[Event]):
    model: ClassVar[type[Any]] = Event
    not_found_message: ClassVar[str] = "No such event"
    sorts: ClassVar[Mapping[str, Any]] = {
        "start_datetime": Event.starts_at,
        "created_at": Event.created_at,
        "title": func.lower(Event.title),
        "status": Event.status,
    }

    def matching(
        self,
        *,
        statuses: Collection[str] | None,
        event_type: str | None = None,
        facilitator_id: uuid.UUID | None = None,
        series_id: uuid.UUID | None = None,
        search: str | None = None,
        starts_from: datetime | None = None,
        starts_before: datetime | None = None,
    ) -> Select[tuple[Event]]:
        """`statuses` None: every status."""
        statement = self.scoped()
        if statuses is not None:
            statement = statement.where(Event.status.in_(statuses))
        if event_type is not None:
            statement = statement.where(Event.event_type == event_type)
        if facilitator_id is not None:
            statement = statement.where(Event.facilitator_id == facilitator_id)
        if series_id is not None:
            statement = statement.where(Event.series_id == series_id)
        if search and search.strip():
            pattern = f"%{escape_like(search.strip().lower())}%"
            statement = statement.where(
                or_(
                    func.lower(Event.title).like(pattern, escape="\\"),
                    func.lower(Event.description).like(pattern, escape="\\"),
                )
            )
        if starts_from is not None:
            statement = statement.where(Event.starts_at >= starts_from)
        if starts_before is not None:
            statement = statement.where(Event.starts_at < starts_before)
        return statement

    async def page_upcoming_first(
        self,
        params: PageParams,
        statement: Select[tuple[Event]],
        *,
        listing: ListQuery,
        window: CreatedWindow,
        now: datetime,
    ) -> tuple[Sequence[Event], PaginationInfo]:
        """Upcoming events soonest first, then past ones most recent first (unless the caller
        chose an order)."""
        if listing.sort_given:
            return await self.listing_page(params, listing, window, statement)
        statement = created_within(statement, Event.created_at, window)
        is_past = case((Event.starts_at < now, 1), else_=0)
        upcoming_start = case((Event.starts_at >= now, Event.starts_at))
        ordered = statement.order_by(
            is_past, upcoming_start.asc(), Event.starts_at.desc(), Event.id
        )
        return await paginate(self.session, ordered, params)

    async def has_events_of(self, facilitator_id: uuid.UUID) -> bool:
        found = await self.session.scalar(
            select(Event.id)
            .where(
                Event.organization_id == self.organization_id,
                Event.facilitator_id == facilitator_id,
            )
            .limit(1)
        )
        return found is not None

    async def set_capacity(self, event_id: uuid.UUID, max_participants: int, now: datetime) -> bool:
        """Never below the seats already taken, even when a booking lands meanwhile."""
        result = await self.session.execute(
            update(Event)
            .where(
                Event.organization_id == self.organization_id,
                Event.id == event_id,
                Event.seats_taken <= max_participants,
            )
            .values(max_participants=max_participants, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def delete_unbooked(self, event_id: uuid.UUID) -> bool:
        """Deletes the event only if no seat is taken (one statement: no booking slips in)."""
        result = await self.session.execute(
            delete(Event)
            .where(
                Event.organization_id == self.organization_id,
                Event.id == event_id,
                Event.seats_taken == 0,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def cancel(self, event_id: uuid.UUID, *, reason: str | None, now: datetime) -> bool:
        """Compare-and-swap: only a draft or active event becomes cancelled, exactly once."""
        result = await self.session.execute(
            update(Event)
            .where(
                Event.organization_id == self.organization_id,
                Event.id == event_id,
                Event.status.in_(("draft", "active")),
            )
            .values(
                status="cancelled", cancelled_at=now, cancellation_reason=reason, updated_at=now
            )
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]
