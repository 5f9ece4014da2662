"""Users and memberships: the rules other domains (and the CLI) call.

Emails are stored encrypted and found by their blind index; a user exists once across all
organizations and holds one role in each organization they belong to.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.identity.models import Membership, RefreshToken, User
from maitred.identity.passwords import hash_password, password_problem
from maitred.kit import crypto
from maitred.kit.clock import utcnow
from maitred.kit.errors import AlreadyExists, ValidationFailed
from maitred.kit.roles import Role
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization


def normalize_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(details={"email": str(exc)}) from None


def normalize_phone(phone: str, *, region: str = "US", field: str = "phone") -> str:
    """E.164 (API.md), reading national numbers in the organization's country."""
    try:
        parsed = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationFailed(details={field: "Not a valid phone number"})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


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


async def memberships_of(session: AsyncSession, user_id: uuid.UUID) -> Sequence[Membership]:
    return (
        await session.scalars(
            select(Membership).where(Membership.user_id == user_id).order_by(Membership.created_at)
        )
    ).all()


async def membership(
    session: AsyncSession, user_id: uuid.UUID, organization_id: uuid.UUID
) -> Membership | None:
    return await session.scalar(
        select(Membership).where(
            Membership.user_id == user_id, Membership.organization_id == organization_id
        )
    )


async def add_membership(
    session: AsyncSession, *, user_id: uuid.UUID, organization_id: uuid.UUID, role: Role
) -> Membership:
    if await membership(session, user_id, organization_id) is not None:
        raise AlreadyExists("This user is already a member of the organization")
    member = Membership(user_id=user_id, organization_id=organization_id, role=role)
    session.add(member)
    await session.flush()
    return member


async def revoke_all_sessions(session: AsyncSession, user: User) -> None:
    """Every access token stops working at its next request; every refresh token at once."""
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
        memberships = await memberships_of(session, existing.id)
        org = (
            await tenancy_service.get(session, memberships[0].organization_id)
            if memberships
            else None
        )
        if org is not None:
            return AdminResult(existing, org, user_created=False, organization_created=False)
        ensured = await tenancy_service.ensure(session, name=org_name)
        await add_membership(
            session, user_id=existing.id, organization_id=ensured.organization.id, role=Role.admin
        )
        return AdminResult(existing, ensured.organization, False, ensured.created)
    check_password(password)
    ensured = await tenancy_service.ensure(session, name=org_name)
    user = await create_user(session, email=email, password=password, email_verified=True)
    await add_membership(
        session, user_id=user.id, organization_id=ensured.organization.id, role=Role.admin
    )
    return AdminResult(user, ensured.organization, True, ensured.created)
