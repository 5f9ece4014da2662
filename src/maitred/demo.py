"""`maitred demo`: a hibachi catering business a newcomer can look around in.

Each domain adds its part of the story as it lands; running it again changes nothing.
"""

from maitred.identity import service as identity_service
from maitred.kit.db import Database

DEMO_ORG = "Hibachi at Home (demo)"
DEMO_PASSWORD = "demo-password-2026"
DEMO_USERS = (("admin@hibachi-demo.example", "admin"),)


async def load_demo(database: Database) -> list[str]:
    lines: list[str] = []
    async with database.transaction() as session:
        for email, _role in DEMO_USERS:
            result = await identity_service.create_admin(
                session, email=email, password=DEMO_PASSWORD, org_name=DEMO_ORG
            )
            org = result.organization
            if result.organization_created:
                org.timezone, org.currency, org.country = "America/Los_Angeles", "USD", "US"
                lines.append(f"created demo organization {org.name!r} (slug {org.slug})")
            verb = "created" if result.user_created else "kept"
            lines.append(f"{verb} demo user {email} / password {DEMO_PASSWORD}")
    return lines
