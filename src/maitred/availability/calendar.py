"""The calendar rules of the availability settings, as pure functions of the settings, the
organization's time zone and the current time, so that the booking check and the availability
answer can never disagree.

Times: an event's `day` and slot are local to the organization; `starts_at`/`ends_at` are UTC.
Each event also keeps its team `buffer_minutes` before and after (travel, setup, clearing up);
a claim covers the event plus both buffers, and a team's claims never overlap.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from maitred.tenancy.book_settings import AvailabilitySettings

WEEKDAY_NAMES = [
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
]
_ZIP = re.compile(r"\b(\d{5})(?:-\d{4})?\b")


@dataclass(frozen=True)
class Window:
    """When an event takes place: `day` is the local date, `starts_at`/`ends_at` UTC."""

    day: date
    starts_at: datetime
    ends_at: datetime
    timezone: str


def event_window(policy: AvailabilitySettings, timezone: str, day: date, at: time) -> Window:
    """The event at local `day` `at`; a time skipped by a clock change is read as after it."""
    starts = datetime.combine(day, at, tzinfo=ZoneInfo(timezone)).astimezone(UTC)
    return Window(
        day=day,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=policy.event_duration_minutes),
        timezone=timezone,
    )


def buffered(policy: AvailabilitySettings, window: Window) -> tuple[datetime, datetime]:
    """The span a claim of `window` holds its team for."""
    buffer = timedelta(minutes=policy.buffer_minutes)
    return window.starts_at - buffer, window.ends_at + buffer


def slot_time(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def slot_label(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


def local_today(timezone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def date_problem(policy: AvailabilitySettings, day: date, today: date) -> str | None:
    """Why nothing at all can be booked on `day` (None: the calendar allows it)."""
    if day < today:
        return "This date has passed"
    if day.isoweekday() in policy.closed_weekdays:
        return f"We are closed on {WEEKDAY_NAMES[day.isoweekday() - 1]}"
    if day in policy.blackout_dates:
        return "We are not taking bookings on this date"
    if day > today + timedelta(days=policy.horizon_days):
        return f"Bookings are taken at most {policy.horizon_days} days ahead"
    return None


def notice_problem(policy: AvailabilitySettings, starts_at: datetime, now: datetime) -> str | None:
    if starts_at <= now:
        return "This time has passed"
    if starts_at < now + timedelta(hours=policy.min_notice_hours):
        return f"Book at least {policy.min_notice_hours} hours ahead"
    return None


def in_service_area(policy: AvailabilitySettings, city: str | None, zip_code: str | None) -> bool:
    """Cities match case-insensitively, zip codes by their first five digits; an empty area,
    or a location we know nothing of, is served."""
    if not policy.service_area or not (city or zip_code):
        return True
    served = {entry.strip().casefold() for entry in policy.service_area}
    if city and city.strip().casefold() in served:
        return True
    return zip_code is not None and zip_code.strip()[:5] in served


def takes_requests_from(
    policy: AvailabilitySettings, city: str | None, zip_code: str | None
) -> bool:
    """Whether a public request may be made for this place: inside the area, or anywhere when
    requests from outside are taken for review."""
    return policy.outside_area_requests == "review" or in_service_area(policy, city, zip_code)


def parse_location(text: str | None) -> tuple[str | None, str | None]:
    """(city, zip code) of a free-text location: "Folsom, CA", "95630", "1 Main St, Folsom,
    CA 95630". The city is the part before the state when there are several parts."""
    if not text or not text.strip():
        return None, None
    found = _ZIP.search(text)
    zip_code = found.group(1) if found else None
    parts = [p.strip() for p in _ZIP.sub("", text).split(",") if p.strip()]
    if not parts:
        return None, zip_code
    city = parts[-2] if len(parts) >= 3 else parts[0]
    return city, zip_code


def teams_needed(policy: AvailabilitySettings, guest_count: int | None) -> int:
    if guest_count is None or policy.max_guests_per_team is None:
        return 1
    return max(1, math.ceil(guest_count / policy.max_guests_per_team))


def works_on(working_weekdays: list[Any], time_off: list[Any], day: date) -> bool:
    """Whether a team works on `day`: its weekday, and no time off covering it."""
    if day.isoweekday() not in working_weekdays:
        return False
    stamp = day.isoformat()
    return not any(
        str(period.get("date_from", "")) <= stamp <= str(period.get("date_to", ""))
        for period in time_off
    )


def overlaps(start: datetime, end: datetime, other_start: datetime, other_end: datetime) -> bool:
    return start < other_end and other_start < end
