"""The dashboard's menu: the pages a role can open, in the order a working day needs them."""

from __future__ import annotations

from dataclasses import dataclass

from maitred.identity.deps import AuthContext
from maitred.kit.roles import Role


@dataclass(frozen=True)
class Entry:
    path: str
    title: str
    permission: str
    # Facilitators see their own events and CRM records only, not the whole book.
    for_facilitators: bool = False


ENTRIES = (
    Entry("/app", "Today", "organizations:read", for_facilitators=True),
    Entry("/app/bookings", "Bookings", "bookings:read"),
    Entry("/app/bookings/new", "New booking", "bookings:write"),
    Entry("/app/leads", "Leads", "leads:read"),
    Entry("/app/customers", "Customers", "customers:read"),
    Entry("/app/inbox", "Inbox", "messages:read"),
    Entry("/app/calendar", "Calendar", "bookings:read"),
    Entry("/app/events", "Events", "events:read", for_facilitators=True),
    Entry("/app/payments", "Payments", "payments:read"),
    Entry("/app/settings", "Settings", "settings:read"),
)


def allowed(auth: AuthContext, entry: Entry) -> bool:
    if auth.role == Role.facilitator and not entry.for_facilitators:
        return False
    return auth.can(entry.permission)


def menu(auth: AuthContext | None) -> list[Entry]:
    if auth is None:
        return []
    return [entry for entry in ENTRIES if allowed(auth, entry)]


def entry_for(path: str) -> Entry:
    return next(entry for entry in ENTRIES if entry.path == path)
