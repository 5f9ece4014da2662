"""Organization domains: the host names that say which business a public request is for.

A platform that hosts several businesses points each one's domain at the same server; the
`Host` of a signed-out request then picks the organization, as `X-Tenant-ID` would.
Only an admin of the organization (or a platform administrator) changes its domains, and a
domain another organization holds is refused (409): the first to claim a host keeps it.
"""

import re
import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.auditnote import record
from maitred.kit.errors import AlreadyExists, Forbidden
from maitred.kit.roles import Role
from maitred.tenancy.models import Organization, OrganizationDomain

_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")


def normalize(value: str) -> str | None:
    """A host name in the form it is stored and looked up in: lowercase, no port, no final dot.
    None when it is not a host name (an IP literal in brackets, spaces, empty labels)."""
    host = value.strip().lower()
    if host.startswith("["):
        return None
    host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    host = host.removesuffix(".")
    if not host or len(host) > 253 or not _DOMAIN.fullmatch(host):
        return None
    return host


async def organization_for_host(session: AsyncSession, host: str) -> Organization | None:
    """The organization a request's `Host` header maps to, if any (active or not)."""
    domain = normalize(host)
    if domain is None:
        return None
    return await session.scalar(
        select(Organization)
        .join(OrganizationDomain, OrganizationDomain.organization_id == Organization.id)
        .where(OrganizationDomain.domain == domain)
    )


async def of(session: AsyncSession, organization_id: uuid.UUID) -> list[str]:
    rows: Sequence[str] = (
        await session.scalars(
            select(OrganizationDomain.domain)
            .where(OrganizationDomain.organization_id == organization_id)
            .order_by(OrganizationDomain.domain)
        )
    ).all()
    return list(rows)


async def replace(
    session: AsyncSession,
    *,
    organization: Organization,
    role: str,
    is_user: bool,
    domains: list[str],
) -> list[str]:
    """Makes `domains` the organization's whole list (already normalized by the schema)."""
    # Which host names reach which business is the platform's to say: a business's own admin
    # could otherwise claim another's name before that business did (nobody proves a domain).
    if not is_user or role != Role.super_admin:
        raise Forbidden("Only a platform administrator may change an organization's domains")
    wanted = sorted(set(domains))
    if wanted:
        taken = (
            await session.scalars(
                select(OrganizationDomain.domain).where(
                    OrganizationDomain.domain.in_(wanted),
                    OrganizationDomain.organization_id != organization.id,
                )
            )
        ).all()
        if taken:
            raise AlreadyExists(
                "A domain is already used by another organization",
                details=dict.fromkeys(sorted(taken), "Already used by another organization"),
            )
    before = await of(session, organization.id)
    await session.execute(
        delete(OrganizationDomain).where(
            OrganizationDomain.organization_id == organization.id,
            OrganizationDomain.domain.not_in(wanted),
        )
    )
    session.add_all(
        OrganizationDomain(organization_id=organization.id, domain=domain)
        for domain in wanted
        if domain not in before
    )
    try:
        await session.flush()
    except IntegrityError:  # another organization claimed one of them meanwhile
        raise AlreadyExists("A domain is already used by another organization") from None
    record(
        "organization.domains_changed",
        resource_type="organization",
        resource_id=organization.id,
        organization_id=organization.id,
        changes={"domains": {"old": before, "new": wanted}},
    )
    return wanted
