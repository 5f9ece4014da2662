"""The demo business and the people who run it: its admin and a manager, a staff member and a
chef who sign in to it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.identity import service as identity_service
from maitred.kit.roles import Role
from maitred.tenancy import memberships

DEMO_ORG = "Hibachi at Home (demo)"
DEMO_PASSWORD = "demo-password-2026"
DEMO_ADMIN = "admin@hibachi-demo.example"
DEMO_TEAM = (
    ("manager@hibachi-demo.example", "Mika Manager", Role.manager),
    ("staff@hibachi-demo.example", "Sam Staff", Role.staff),
    ("chef@hibachi-demo.example", "Kenji Chef", Role.facilitator),
)


@dataclass(frozen=True)
class Cast:
    """Who the rest of the demo acts as: the organization, its admin, and the manager and
    staff member leads are assigned to."""

    organization_id: uuid.UUID
    timezone: str
    admin_id: uuid.UUID
    sales_ids: tuple[uuid.UUID, ...]


async def load_people(session: AsyncSession, say: Callable[[str], None]) -> Cast:
    result = await identity_service.create_admin(
        session, email=DEMO_ADMIN, password=DEMO_PASSWORD, org_name=DEMO_ORG
    )
    org = result.organization
    if result.organization_created:
        org.timezone, org.currency, org.country = "America/Los_Angeles", "USD", "US"
        org.settings = {"identity": {"self_signup": True}}
        say(f"created demo organization {org.name!r} (slug {org.slug})")
    if result.user_created:
        result.user.full_name = "Ada Admin"
    verb = "created" if result.user_created else "kept"
    say(f"{verb} demo user {DEMO_ADMIN} (admin) / password {DEMO_PASSWORD}")
    sales: list[uuid.UUID] = []
    for email, name, role in DEMO_TEAM:
        user = await identity_service.find_by_email(session, email)
        verb = "kept"
        if user is None:
            user = await identity_service.create_user(
                session, email=email, password=DEMO_PASSWORD, full_name=name
            )
            verb = "created"
        if await memberships.find(session, user.id, org.id) is None:
            await memberships.add(session, user_id=user.id, organization_id=org.id, role=role)
        if role in (Role.manager, Role.staff):
            sales.append(user.id)
        say(f"{verb} demo user {email} ({role.value}) / password {DEMO_PASSWORD}")
    return Cast(
        organization_id=org.id,
        timezone=org.timezone,
        admin_id=result.user.id,
        sales_ids=tuple(sales),
    )
