"""`maitred demo`: a hibachi catering business a newcomer can look around in.

Each domain adds its part of the story as it lands; running it again changes nothing.
"""

from maitred.identity import service as identity_service
from maitred.kit.db import Database
from maitred.kit.roles import Role

DEMO_ORG = "Hibachi at Home (demo)"
DEMO_PASSWORD = "demo-password-2026"
DEMO_ADMIN = "admin@hibachi-demo.example"
DEMO_TEAM = (
    ("manager@hibachi-demo.example", "Mika Manager", Role.manager),
    ("staff@hibachi-demo.example", "Sam Staff", Role.staff),
    ("chef@hibachi-demo.example", "Kenji Chef", Role.facilitator),
)


async def load_demo(database: Database) -> list[str]:
    lines: list[str] = []
    async with database.transaction() as session:
        result = await identity_service.create_admin(
            session, email=DEMO_ADMIN, password=DEMO_PASSWORD, org_name=DEMO_ORG
        )
        org = result.organization
        if result.organization_created:
            org.timezone, org.currency, org.country = "America/Los_Angeles", "USD", "US"
            org.settings = {"identity": {"self_signup": True}}
            lines.append(f"created demo organization {org.name!r} (slug {org.slug})")
        if result.user_created:
            result.user.full_name = "Ada Admin"
        verb = "created" if result.user_created else "kept"
        lines.append(f"{verb} demo user {DEMO_ADMIN} (admin) / password {DEMO_PASSWORD}")
        for email, name, role in DEMO_TEAM:
            user = await identity_service.find_by_email(session, email)
            verb = "kept"
            if user is None:
                user = await identity_service.create_user(
                    session, email=email, password=DEMO_PASSWORD, full_name=name
                )
                verb = "created"
            if await identity_service.membership(session, user.id, org.id) is None:
                await identity_service.add_membership(
                    session, user_id=user.id, organization_id=org.id, role=role
                )
            lines.append(f"{verb} demo user {email} ({role.value}) / password {DEMO_PASSWORD}")
    return lines
