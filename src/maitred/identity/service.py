"""Users (accounts): the rules other domains (and the CLI) call.

Emails are stored encrypted and found by their blind index; a user exists once across all
organizations and holds one role in each organization they belong to (tenancy/memberships.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.identity.models import RefreshToken, User
from maitred.identity.passwords import hash_password, password_problem
from maitred.kit import crypto
from maitred.kit.clock import utcnow
from maitred.kit.errors import AlreadyExists, ValidationFailed
from maitred.kit.phones import normalize_phone as normalize_phone
from maitred.kit.roles import Role
from maitred.tenancy import memberships
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization


def normalize_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(details={"email": str(exc)}) from None


def email_index(email: str) -> str:
    return crypto.blind_index(crypto.normalize_email(email), purpose="email")


def check_password(password: str, *, field: str = "password") -> None:
    if problem := password_problem(password):
        raise ValidationFailed(details={field: problem})


async def find_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email_index == email_index(email)))


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    password: str | None,
    full_name: str = "",
    phone: str | None = None,
    email_verified: bool = False,
) -> User:
    """`password=None` makes an account that signs in only after setting one (invitations,
    Google sign-in)."""
    email = normalize_email(email)
    if password is not None:
        check_password(password)
    if await find_by_email(session, email) is not None:
        raise AlreadyExists(
            "An account with this email already exists", details={"email": "Already registered"}
        )
    user = User(
        email=email,
        email_index=email_index(email),
        phone=phone,
        password_hash=hash_password(password) if password is not None else None,
        full_name=full_name.strip(),
        email_verified=email_verified,
    )
    session.add(user)
    await session.flush()
    return user


async def mark_email_verified(session: AsyncSession, user: User) -> None:
    """The account holder proved the mailbox (a link sent to it came back)."""
    user.email_verified = True
    await session.flush()


async def revoke_organization_sessions(
    session: AsyncSession, *, user_id: uuid.UUID, organization_id: uuid.UUID
) -> None:
    """Ends the user's sessions cut for one organization; those of other organizations go on.
    (Access tokens of any session lose that organization at once: authentication reads the
    membership on every request.)"""
    await session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.user_id == user_id,
            RefreshToken.organization_id == organization_id,
            RefreshToken.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )


async def revoke_all_sessions(session: AsyncSession, user: User) -> None:
    """Every access token stops working at its next request; every refresh token at once.
    Only the account holder (a new password, signing out everywhere) ends them all."""
    user.token_version += 1
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


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
    existing = await find_by_email(session, email)
    if existing is not None:
        held = await memberships.active_of(session, existing.id)
        org = await tenancy_service.get(session, held[0].organization_id) if held else None
        if org is not None:
            return AdminResult(existing, org, user_created=False, organization_created=False)
        ensured = await tenancy_service.ensure(session, name=org_name)
        await memberships.add(
            session, user_id=existing.id, organization_id=ensured.organization.id, role=Role.admin
        )
        return AdminResult(existing, ensured.organization, False, ensured.created)
    check_password(password)
    ensured = await tenancy_service.ensure(session, name=org_name)
    user = await create_user(session, email=email, password=password, email_verified=True)
    await memberships.add(
        session, user_id=user.id, organization_id=ensured.organization.id, role=Role.admin
    )
    return AdminResult(user, ensured.organization, True, ensured.created)
