"""A user's own account: registering, the profile, passwords and password resets."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.identity import repository, throttle
from maitred.identity import service as identity_service
from maitred.identity.errors import InvalidCredentials
from maitred.identity.models import PasswordResetToken, User
from maitred.identity.opaque import digest, new_secret
from maitred.identity.passwords import hash_password, verify_password
from maitred.identity.sessions import AuthConfig
from maitred.kit import i18n, letters
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from maitred.kit.permissions import permissions_for
from maitred.kit.reads import ReadPool
from maitred.kit.roles import Role
from maitred.tenancy import memberships
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization

log = logging.getLogger("maitred.identity")


async def own_profile(
    reads: ReadPool, *, user_id: uuid.UUID, role: str | None, organization_id: uuid.UUID | None
) -> dict[str, object]:
    """GET /auth/me from a compiled read: authentication has just proved the user exists."""
    row = await reads.one(repository.USER_PROFILE, user_id=user_id)
    if row is None:
        raise Unauthorized("The session has ended; sign in again")
    return user_read(SimpleNamespace(**row), role=role, organization_id=organization_id)


async def api_key_profile(
    reads: ReadPool, *, api_key_id: uuid.UUID, permissions: frozenset[str]
) -> dict[str, object]:
    """GET /auth/me for a caller that is an API key: the key, not a person. `permissions` are
    what it may do now (its scopes, narrowed to what its creator's role grants)."""
    row = await reads.one(repository.API_KEY_PROFILE, id=api_key_id)
    if row is None:
        raise Unauthorized("The API key is invalid, expired or revoked")
    return {
        "kind": "api_key",
        **{
            f: row[f]
            for f in (
                "id",
                "name",
                "prefix",
                "scopes",
                "role",
                "created_by_id",
                "expires_at",
                "last_used_at",
                "created_at",
            )
        },  # fmt: skip
        "permissions": sorted(permissions),
        "organization_id": row["organization_id"],
        "organization": {
            "id": row["organization_id"],
            "name": row["organization_name"],
            "slug": row["organization_slug"],
        },
    }


def split_name(user: User | SimpleNamespace) -> tuple[str, str]:
    if user.first_name or user.last_name:
        return user.first_name, user.last_name
    first, _, last = user.full_name.partition(" ")
    return first, last


def user_read(
    user: User | SimpleNamespace, *, role: str | None, organization_id: uuid.UUID | None
) -> dict[str, object]:
    first, last = split_name(user)
    return {
        "id": user.id,
        "email": user.email,
        "full_name": user.full_name,
        "name": user.full_name,
        "first_name": first,
        "last_name": last,
        "phone": user.phone,
        "role": role or None,
        "permissions": sorted(permissions_for(role)) if role else [],
        "is_active": user.is_active,
        "mfa_enabled": user.mfa_enabled,
        "email_verified": user.email_verified,
        "organization_id": organization_id,
        "created_at": user.created_at,
        "last_login_at": user.last_login_at,
    }


def names(full_name: str | None, first: str | None, last: str | None) -> tuple[str, str, str]:
    """The full name and its parts from what was given: the full name, or first and last."""
    first, last = (first or "").strip(), (last or "").strip()
    full = (full_name or "").strip() or f"{first} {last}".strip()
    return full, first, last


async def organization_open_to_signup(
    session: AsyncSession, tenant: str | None, *, no_tenant: str
) -> Organization:
    """The active organization named by X-Tenant-ID, if it lets customers sign themselves up."""
    if not tenant:
        raise ValidationFailed(
            no_tenant,
            details={"X-Tenant-ID": "Send the organization's id or slug in X-Tenant-ID"},
        )
    organization = await tenancy_service.find(session, tenant)
    if organization is None or not organization.is_active:
        raise NotFound("No such organization")
    if not tenancy_service.settings_of(organization).identity.self_signup:
        raise Forbidden("This organization does not accept sign-ups; ask it for an invitation")
    return organization


async def register(
    session: AsyncSession,
    *,
    tenant: str | None,
    email: str,
    password: str,
    full_name: str | None,
    first_name: str | None,
    last_name: str | None,
    phone: str | None,
) -> tuple[User, uuid.UUID]:
    """A customer of the organization named by X-Tenant-ID, where it allows self sign-up."""
    organization = await organization_open_to_signup(
        session, tenant, no_tenant="Say which business you are registering with"
    )
    full, first, last = names(full_name, first_name, last_name)
    if phone:
        phone = identity_service.normalize_phone(phone, region=organization.country)
    user = await identity_service.create_user(
        session, email=email, password=password, full_name=full, phone=phone
    )
    user.first_name, user.last_name = first, last
    await join_as_customer(session, user, organization)
    return user, organization.id


async def join_as_customer(
    session: AsyncSession, user: User, organization: Organization, *, method: str = "password"
) -> None:
    """A self-registered user becomes a customer of `organization` (recorded as a sign-up)."""
    await memberships.add(
        session, user_id=user.id, organization_id=organization.id, role=Role.customer
    )
    record(
        "auth.register",
        resource_type="user",
        resource_id=user.id,
        actor_user_id=user.id,
        organization_id=organization.id,
        changes={"method": method},
    )


async def update_profile(
    session: AsyncSession,
    user: User,
    *,
    changes: dict[str, object],
    region: str = "US",
) -> User:
    if "phone" in changes:
        phone = changes["phone"]
        user.phone = identity_service.normalize_phone(str(phone), region=region) if phone else None
    for name in ("first_name", "last_name"):
        if name in changes:
            setattr(user, name, str(changes[name] or "").strip())
    if "full_name" in changes:
        user.full_name = str(changes["full_name"] or "").strip()
    elif "first_name" in changes or "last_name" in changes:
        user.full_name = f"{user.first_name} {user.last_name}".strip()
    await session.flush()
    return user


async def change_password(
    session: AsyncSession, user: User, *, current_password: str, new_password: str
) -> None:
    """Ends every session, this one included: the caller signs in again."""
    if not verify_password(user.password_hash, current_password):
        raise Unauthorized("The current password is wrong", details={"current_password": "Wrong"})
    if current_password == new_password:
        raise ValidationFailed(details={"new_password": "Choose a password you do not use now"})
    identity_service.check_password(new_password, field="new_password")
    user.password_hash = hash_password(new_password)
    await identity_service.revoke_all_sessions(session, user)
    record("auth.password_changed", resource_type="user", resource_id=user.id)


async def issue_reset_token(
    session: AsyncSession,
    config: AuthConfig,
    user: User,
    *,
    purpose: str = "reset",
    organization_id: uuid.UUID | None = None,
) -> tuple[str, datetime]:
    """A one-time link for choosing a (first) password, emailed to the account; returns the token
    and its expiry. The link is never logged: it is as good as the password."""
    token = new_secret()
    expires = utcnow() + config.reset_lifetime * (24 if purpose == "invite" else 1)
    session.add(PasswordResetToken(user_id=user.id, token_hash=digest(token), expires_at=expires))
    await session.flush()
    link = f"{config.public_url.rstrip('/')}/reset-password?token={token}"
    sent_through = organization_id or await _organization_to_send_through(session, user)
    if sent_through is None:
        log.warning("password %s link for user %s not sent: no organization", purpose, user.id)
        return token, expires
    subject, text = _link_message(purpose, link, expires)
    await letters.queue(
        session,
        sent_through,
        letters.Outgoing(
            channel="email",
            to=user.email,
            subject=subject,
            body_text=text,
            template=f"account.{purpose}",
            contact_name=user.full_name,
            meta=letters.secret_meta(readable_in_history=config.links_readable_in_history),
        ),
    )
    log.info("password %s link sent to user %s", purpose, user.id)
    return token, expires


async def send_invitation_notice(
    session: AsyncSession, config: AuthConfig, user: User, *, organization_id: uuid.UUID, role: str
) -> None:
    """Tells an existing account that an organization invited it. It carries no link that acts:
    the holder signs in and answers at /auth/invitations, so a forwarded message grants nothing."""
    organization = await tenancy_service.get(session, organization_id)
    name = organization.name if organization is not None else i18n.gettext("An organization")
    where = f"{config.public_url.rstrip('/')}/api/v1/auth/invitations"
    await letters.queue(
        session,
        organization_id,
        letters.Outgoing(
            channel="email",
            to=user.email,
            subject=i18n.gettext("{name} invited you to join as {role}", name=name, role=role),
            body_text=i18n.gettext(
                "{name} invited you to join them as {role}. Nothing changes until you accept: "
                "sign in with your own account and accept or decline the invitation ({where}).\n"
                "If you do not know them, decline it or ignore this message.\n",
                name=name,
                role=role,
                where=where,
            ),
            template="account.invitation",
            contact_name=user.full_name,
        ),
    )
    log.info("invitation notice sent to user %s", user.id)


async def _organization_to_send_through(session: AsyncSession, user: User) -> uuid.UUID | None:
    """Messages belong to an organization: the one the account joined last (for an invitation,
    the inviting one)."""
    joined = await memberships.active_of(session, user.id)
    return joined[-1].organization_id if joined else None


def _link_message(purpose: str, link: str, expires: datetime) -> tuple[str, str]:
    """In the language of the request that asked for the link (kit/i18n.py)."""
    until = expires.strftime("%Y-%m-%d %H:%M UTC")
    if purpose == "invite":
        return i18n.gettext("You are invited: choose your password"), i18n.gettext(
            "You have been invited. Choose your password here (valid until {until}):\n\n{link}\n",
            until=until,
            link=link,
        )
    return i18n.gettext("Reset your password"), i18n.gettext(
        "Someone asked to reset the password of this account. Choose a new one here (valid "
        "until {until}):\n\n{link}\n\nIf it was not you, ignore this message.\n",
        until=until,
        link=link,
    )


async def request_reset(session: AsyncSession, config: AuthConfig, *, email: str) -> None:
    """Answers the same whether or not the account exists."""
    try:
        user = await identity_service.find_by_email(session, email)
    except ValidationFailed:
        return
    if user is None or not user.is_active:
        return
    await issue_reset_token(session, config, user)
    record("auth.password_reset_requested", resource_type="user", resource_id=user.id)


async def confirm_reset(session: AsyncSession, *, token: str, new_password: str) -> User:
    stored = await session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == digest(token))
    )
    if stored is None or stored.used_at is not None or stored.expires_at <= utcnow():
        raise InvalidCredentials("The reset link is invalid or has expired; ask for a new one")
    identity_service.check_password(new_password, field="new_password")
    user = await session.get(User, stored.user_id)
    if user is None or not user.is_active:
        raise InvalidCredentials("The reset link is invalid or has expired; ask for a new one")
    user.password_hash = hash_password(new_password)
    user.email_verified = True  # the link reached the mailbox
    await session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    await identity_service.revoke_all_sessions(session, user)
    # The link reached the owner's mailbox: failed sign-ins of others no longer hold them back.
    keys = throttle.Keys.of(identity_service.email_index(user.email))
    await throttle.clear(session, keys.account, keys.second_factor)
    record("auth.password_reset", resource_type="user", resource_id=user.id, actor_user_id=user.id)
    return user
