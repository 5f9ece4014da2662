"""The calendar's repeated markup (a booking's chip, the move form's options) built in Python.

Why: a week shows ~56 chips and lists them again in the move form, with ~50 teams: Jinja's
autoescape called `markupsafe.escape` ~850 times a page (a `hasattr`, a `str()` and a `Markup`
each), about a third of the week's CPU. These functions write the same bytes as the template
loops they replace (tests/dashboard/test_calendar_markup.py renders both and compares), escaping
with the same five entities as markupsafe, in one pass of C string methods.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup

from maitred.dashboard.templating import day, hm, label


def escaped(value: Any) -> str:
    """`str(value)` with markupsafe's entities (`&`, `<`, `>`, `'`, `"`)."""
    text = "" if value is None else str(value)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text or ">" in text or "'" in text or '"' in text:
        text = (
            text.replace(">", "&gt;")
            .replace("<", "&lt;")
            .replace("'", "&#39;")
            .replace('"', "&#34;")
        )
    return text


def chips(bookings: Iterable[Mapping[str, Any]]) -> Markup:
    """A lane's bookings as `<li>` chips, each on its lines, as the week's and day's templates
    indented them."""
    parts = []
    for b in bookings:
        ident = escaped(b["id"])
        status = escaped(b["status"])
        parts.append(
            f'      <li draggable="true" data-booking="{ident}" class="chip {status}">\n'
            f'        <a href="/app/bookings/{ident}">{escaped(hm(b["event_time"]))}'
            f" {escaped(b['customer']['name'])}</a>\n"
            f'        <span class="muted">{escaped(b["guest_count"])} guests'
            f" · {escaped(label(b['status']))}</span>\n"
            "      </li>\n"
        )
    return Markup("".join(parts))


def booking_options(bookings: Iterable[Mapping[str, Any]]) -> Markup:
    """The move form's choice of booking: date, time, customer and reference."""
    return Markup(
        "".join(
            f'<option value="{escaped(b["id"])}">{escaped(day(b["event_date"]))}'
            f" {escaped(hm(b['event_time']))} {escaped(b['customer']['name'])}"
            f" ({escaped(b['reference_number'])})</option>"
            for b in bookings
        )
    )


def team_options(teams: Iterable[Mapping[str, Any]]) -> Markup:
    """The move form's choice of team."""
    return Markup(
        "".join(f'<option value="{escaped(t["id"])}">{escaped(t["name"])}</option>' for t in teams)
    )
