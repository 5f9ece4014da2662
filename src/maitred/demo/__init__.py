"""`maitred demo`: a hibachi catering business a newcomer can look around in, run like
MyHibachi's (seeds 000 and 001): its team, pricing, calendar and service area, menu and chef
teams, 200 customers, 100 leads and 600 bookings from eight months back to three months ahead,
in every status. Beside it, a wellness studio as seed 002 runs one (studio.py): four
facilitators, weekly classes and two retreats over the next three months, and its customers'
seats, some sold out, some cancelled, followed up in every CRM status.

Everything goes through the domains' services, as staff would. Running it again creates
nothing: each part is kept when it is there, and the large ones (customers, bookings, leads)
are made in chunks that each commit, so a run that stopped halfway is completed by the next.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from maitred.demo.book import load_bookings
from maitred.demo.business import load_menu, load_settings, load_teams
from maitred.demo.customers import load_customers
from maitred.demo.leads import load_leads
from maitred.demo.people import DEMO_ADMIN, DEMO_ORG, DEMO_PASSWORD, load_people
from maitred.demo.studio import load_studio
from maitred.kit.clock import utcnow
from maitred.kit.db import Database

__all__ = ["DEMO_ADMIN", "DEMO_ORG", "DEMO_PASSWORD", "load_demo"]


async def load_demo(database: Database, progress: Callable[[str], None] | None = None) -> list[str]:
    """What was created or kept, one line per step (also handed to `progress` as it happens)."""
    lines: list[str] = []

    def say(line: str) -> None:
        lines.append(line)
        if progress is not None:
            progress(line)

    async with database.transaction() as session:
        cast = await load_people(session, say)
        today = utcnow().astimezone(ZoneInfo(cast.timezone)).date()
        await load_settings(session, cast.organization_id, say)
        await load_menu(session, cast.organization_id, say)
        teams = await load_teams(session, cast.organization_id, today, say)
    customers = await load_customers(database, cast.organization_id, say)
    await load_bookings(database, cast, teams, customers, today, say)
    await load_leads(database, cast, today, say)
    await load_studio(database, say)
    return lines
