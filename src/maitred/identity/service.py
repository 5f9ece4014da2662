"""User rules needed so far: creating an organization's admin from the command line."""

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.identity.models import Membership, User
from maitred.identity.passwords import hash_password, password_problem
from maitred.identity.roles import Role
from maitred.kit.errors import ValidationFailed
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization


def normalize_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(details={"email": str(exc)}) from None


async def find_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == normalize_email(email)))


@dataclass(frozen=True)
class AdminResult:
    user: User
    organization: Organization
    user_created: bool
    organization_created: bool


async def create_admin(
    session: AsyncSession, *, email: str, password: str, org_name: str | None
) -> AdminResult:
    """Idempotent: an existing user with this email is left exactly as it is."""
    email = normalize_email(email)
    existing = await find_by_email(session, email)
    if existing is not None:
        membership = await session.scalar(
            select(Membership).where(Membership.user_id == existing.id).limit(1)
        )
        org = await tenancy_service.get(session, membership.organization_id) if membership else None
        if org is not None:
            return AdminResult(existing, org, user_created=False, organization_created=False)
        ensured = await tenancy_service.ensure(session, name=org_name)
        return AdminResult(existing, ensured.organization, False, ensured.created)
    if problem := password_problem(password):
        raise ValidationFailed(details={"password": problem})
    ensured = await tenancy_service.ensure(session, name=org_name)
    user = User(email=email, password_hash=hash_password(password), full_name="")
    session.add(user)
    await session.flush()
    session.add(
        Membership(user_id=user.id, organization_id=ensured.organization.id, role=Role.admin)
    )
    await session.flush()
    return AdminResult(user, ensured.organization, True, ensured.created)
