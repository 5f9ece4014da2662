"""The calendar's chips and move-form options, written in Python (dashboard/pages/
calendar_html.py) instead of template loops: the same bytes as the loops they replaced, names
escaped, and the week's per-day read showing each day's first eight by time."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from maitred.bookings.models import Booking
from maitred.dashboard.pages import calendar_html
from maitred.dashboard.templating import dashboard_pages
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from tests.bookings.given import given_book, given_customer
from tests.dashboard.given import signed_in_page
from tests.dashboard.test_page_statements import given_bookings
from tests.factories import given_user

HOSTILE = """Ada <b>"Love'lace"</b> & Co"""

# The loops as week.html, day.html and _move.html had them (trim_blocks and lstrip_blocks on).
CHIPS_LOOP = """    {% for b in bookings %}
      <li draggable="true" data-booking="{{ b["id"] }}" class="chip {{ b["status"] }}">
        <a href="/app/bookings/{{ b["id"] }}">{{ b["event_time"] | hm }} {{ b["customer"]["name"] }}</a>
        <span class="muted">{{ b["guest_count"] }} guests · {{ b["status"] | label }}</span>
      </li>
    {% endfor %}
"""  # noqa: E501
OPTIONS_LOOP = """      {% for b in moving %}<option value="{{ b["id"] }}">{{ b["event_date"] | day }} {{ b["event_time"] | hm }} {{ b["customer"]["name"] }} ({{ b["reference_number"] }})</option>{% endfor %}
"""  # noqa: E501
TEAMS_LOOP = """      {% for t in teams %}<option value="{{ t["id"] }}">{{ t["name"] }}</option>{% endfor %}"""  # noqa: E501


def _rows() -> list[dict[str, object]]:
    names = [HOSTILE, "", "Zoë Ünicode", "a&amp;b <i>"]
    return [
        {
            "id": uuid.uuid4(),
            "status": status,
            "event_time": time(11 + n, 30) if n % 2 else f"{11 + n:02d}:00:00",
            "event_date": date(2026, 12, 21 + n),
            "guest_count": 10 + n,
            "reference_number": f"BK-2026-<{n}>",
            "customer": {"name": name},
        }
        for n, (name, status) in enumerate(
            zip(names, ["pending", "confirmed", "no_show", "x"], strict=True)
        )
    ]


@pytest.mark.parametrize("count", [0, 1, 4])
def test_the_python_markup_is_the_templates_byte_for_byte(count: int) -> None:
    rows = _rows()[:count]
    teams = [{"id": str(uuid.uuid4()), "name": name} for name in (HOSTILE, "Team <2>")][:count]
    env = dashboard_pages.env

    assert "    <ul>\n" + str(calendar_html.chips(rows)) + "    </ul>" == env.from_string(
        "    <ul>\n" + CHIPS_LOOP + "    </ul>"
    ).render(bookings=rows)
    assert str(calendar_html.booking_options(rows)) + "</select>" == env.from_string(
        OPTIONS_LOOP + "</select>"
    ).render(moving=rows)
    assert str(calendar_html.team_options(teams)) + "</select>" == env.from_string(
        TEAMS_LOOP + "</select>"
    ).render(teams=teams)


async def test_a_week_shows_each_days_first_eight_by_time_with_names_escaped(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, teams=2)
    organization_id = book.organization.id
    customer = await given_customer(database, book, name=HOSTILE)
    today = utcnow().astimezone(ZoneInfo(book.organization.timezone)).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    await given_bookings(database, organization_id, customer, monday, 12)  # times tie: by id
    await given_bookings(database, organization_id, customer, monday + timedelta(days=6), 3)
    await given_bookings(database, organization_id, customer, monday, 2, "cancelled")
    await given_bookings(database, organization_id, customer, monday + timedelta(days=7), 2)
    admin = await given_user(database, book.organization, "admin")
    await signed_in_page(client, admin.email)

    week = await client.get(f"/app/calendar?week={monday}")

    assert week.status_code == 200, week.text[-2000:]
    async with database.transaction(write=False) as session:
        expected = (
            await session.execute(
                select(Booking.id, Booking.event_date)
                .where(
                    Booking.organization_id == organization_id,
                    Booking.status.in_(("pending", "confirmed")),
                    Booking.event_date >= monday,
                    Booking.event_date <= monday + timedelta(days=6),
                )
                .order_by(Booking.event_date, Booking.event_time, Booking.id)
            )
        ).all()
    first_eight = [row.id for row in expected if row.event_date == monday][:8]
    last_day = [row.id for row in expected if row.event_date != monday]
    shown = [uuid.UUID(part.split('"')[0]) for part in week.text.split('data-booking="')[1:]]
    assert shown == first_eight + last_day
    assert f'href="/app/calendar?view=day&amp;day={monday}">4 more on' in week.text
    escaped = "Ada &lt;b&gt;&#34;Love&#39;lace&#34;&lt;/b&gt; &amp; Co"
    assert week.text.count(escaped) == 2 * 11  # each chip and its option in the move form
    assert "<b>" not in week.text
