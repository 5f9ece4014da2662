"""Signing in: password checks with backoff (identity/throttle), sessions as rotating
refresh-token families.

A sign-in starts a session: a family of refresh tokens of which only the newest may be used.
Using it replaces it; presenting a replaced one again means someone kept a copy, so the whole
family is revoked (theft detection). Access tokens name their session, and the authentication
layer rejects them once it is revoked, so signing out takes effect at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.identity import service as identity_service
from maitred.identity import throttle
from maitred.identity.errors import InvalidCredentials, MfaRequired, SessionRevoked
from maitred.identity.models import RefreshToken, User
from maitred.identity.opaque import digest, new_secret
from maitred.identity.passwords import hash_password, needs_rehash, verify_password
from maitred.identity.throttle import AddressFailures, Keys, ThrottleRules
from maitred.identity.tokens import TokenSigner, issue_mfa_token
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.errors import Forbidden, NotFound
from maitred.kit.permissions import permissions_for
from maitred.kit.ratelimit import Limiter
from maitred.kit.roles import Role
from maitred.tenancy import memberships
from maitred.tenancy import service as tenancy_service

REFRESH_PREFIX = "mrt_"


@dataclass(frozen=True)
class AuthConfig:
    """Sign-in settings, built once from `Settings` (app.state.auth_config)."""

    signer: TokenSigner
    refresh_lifetime: timedelta = timedelta(days=7)
    mfa_minutes: int = 5
    reset_lifetime: timedelta = timedelta(hours=1)
    throttle: ThrottleRules = field(default_factory=ThrottleRules)
    organization_signup: bool = False
    public_url: str = "http://localhost:8000"
    # Staff may read password and invitation links in message history (development only).
    links_readable_in_history: bool = False
    google_client_id: str = ""
    google_jwks_url: str = ""


@dataclass(frozen=True)
class SignedIn:
    access_token: str
    refresh_token: str
    expires_in: int
    user: User
    role: str | None
    organization_id: uuid.UUID | None

    @property
    def permissions(self) -> list[str]:
        return sorted(permissions_for(self.role)) if self.role else []


@dataclass(frozen=True)
class Seat:
    """The organization a token is cut for, and the user's role there."""

    organization_id: uuid.UUID | None
    role: str | None


async def choose_seat(session: AsyncSession, user: User, tenant: str | None) -> Seat:
    """The organization named by `tenant` (id or slug), else the user's only one. A user with
    several and no choice gets a token without an organization (and must send X-Tenant-ID).
    Only active memberships count: an invitation not yet accepted, or a membership an
    organization deactivated, grants nothing, and never stands in the way of the others."""
    if tenant:
        organization = await tenancy_service.find(session, tenant)
        if organization is None:
            raise NotFound("No such organization")
        member = await memberships.active(session, user.id, organization.id)
        if member is not None:
            return Seat(organization.id, member.role)
        if user.is_super_admin:
            return Seat(organization.id, Role.super_admin)
        raise NotFound("No such organization")
    held = await memberships.active_of(session, user.id)
    if len(held) == 1:
        return Seat(held[0].organization_id, held[0].role)
    if user.is_super_admin:
        return Seat(None, Role.super_admin)
    return Seat(None, None)


async def start_session(
    session: AsyncSession,
    config: AuthConfig,
    user: User,
    seat: Seat,
    *,
    ip: str = "",
    user_agent: str = "",
    family_id: uuid.UUID | None = None,
) -> SignedIn:
    family_id = family_id or uuid.uuid4()
    refresh = new_secret(REFRESH_PREFIX)
    session.add(
        RefreshToken(
            user_id=user.id,
            organization_id=seat.organization_id,
            family_id=family_id,
            token_hash=digest(refresh),
            expires_at=utcnow() + config.refresh_lifetime,
            user_agent=user_agent[:300],
            ip=ip[:64],
        )
    )
    access, _claims = config.signer.issue(
        user_id=user.id,
        organization_id=seat.organization_id,
        role=seat.role or "",
        token_version=user.token_version,
        session_id=family_id,
    )
    await session.flush()
    return SignedIn(
        access_token=access,
        refresh_token=refresh,
        expires_in=int(config.signer.lifetime.total_seconds()),
        user=user,
        role=seat.role,
        organization_id=seat.organization_id,
    )


@dataclass(frozen=True)
class Attempt:
    """Who a sign-in attempt counts against: the email's account and the client address."""

    keys: Keys
    ip: str
    addresses: AddressFailures

    @classmethod
    def of(cls, config: AuthConfig, *, email: str, ip: str, limiter: Limiter | None) -> Attempt:
        keys = Keys.of(identity_service.email_index(email))
        return cls(keys, ip, AddressFailures(limiter, config.throttle.per_address))

    async def refuse_if_throttled(
        self, session: AsyncSession, config: AuthConfig, *, password_only: bool
    ) -> None:
        """429 with the exact wait while the address, or (`password_only`) the account, backs
        off; a password with a second factor is tried whatever the account's backoff."""
        if (wait := await self.addresses.wait(self.ip)) is not None:
            record("auth.login_throttled", changes={"retry_after": wait, "by": "address"})
            raise throttle.too_many(wait, self.addresses.policy.limit)
        if password_only and (wait := await throttle.backoff(session, self.keys.account)):
            record("auth.login_throttled", changes={"retry_after": wait, "by": "account"})
            raise throttle.too_many(wait, config.throttle.free_failures)

    async def failed(self, session: AsyncSession, config: AuthConfig, user: User | None) -> None:
        await self.addresses.record(self.ip)
        if await throttle.record_failure(session, self.keys.account, config.throttle):
            record("auth.login_backoff", actor_user_id=user.id if user else None)
        record("auth.login_failed", actor_user_id=user.id if user else None)


async def login(
    session: AsyncSession,
    config: AuthConfig,
    *,
    email: str,
    password: str,
    tenant: str | None,
    ip: str,
    user_agent: str = "",
    only_role: Role | None = None,
    limiter: Limiter | None = None,
) -> SignedIn:
    """A password alone: refused (429) while the account or the address backs off."""
    attempt = Attempt.of(config, email=email, ip=ip, limiter=limiter)
    await attempt.refuse_if_throttled(session, config, password_only=True)
    user = await identity_service.find_by_email(session, email)
    good = verify_password(user.password_hash if user else None, password)
    if user is None or not good or not user.is_active:
        await attempt.failed(session, config, user)
        raise InvalidCredentials()
    await throttle.clear(session, attempt.keys.account)
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    seat = await choose_seat(session, user, tenant)
    if only_role is not None and seat.role != only_role:
        record("auth.login_failed", actor_user_id=user.id, organization_id=seat.organization_id)
        raise Forbidden(f"This sign-in is only for users with the {only_role} role")
    if user.mfa_enabled:
        raise mfa_challenge(config, user, seat)
    return await complete_login(session, config, user, seat, ip=ip, user_agent=user_agent)


def mfa_challenge(config: AuthConfig, user: User, seat: Seat) -> MfaRequired:
    """The 401 `mfa_required` answer of a sign-in whose first factor was right."""
    record("auth.mfa_challenge", actor_user_id=user.id, organization_id=seat.organization_id)
    token = issue_mfa_token(
        config.signer.key,
        user_id=user.id,
        organization_id=seat.organization_id,
        minutes=config.mfa_minutes,
    )
    return MfaRequired(
        "Enter the code from your authenticator app (or a backup code)",
        details={"mfa_token": token, "expires_in": config.mfa_minutes * 60},
    )


async def complete_login(
    session: AsyncSession,
    config: AuthConfig,
    user: User,
    seat: Seat,
    *,
    ip: str,
    user_agent: str,
    method: str = "password",
) -> SignedIn:
    user.last_login_at = utcnow()
    record(
        "auth.login",
        resource_type="user",
        resource_id=user.id,
        actor_user_id=user.id,
        organization_id=seat.organization_id,
        changes={"method": method},
    )
    return await start_session(session, config, user, seat, ip=ip, user_agent=user_agent)


async def refresh(
    session: AsyncSession, config: AuthConfig, *, token: str, ip: str, user_agent: str = ""
) -> SignedIn:
    stored = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == digest(token))
    )
    now = utcnow()
    if stored is None or stored.revoked_at is not None or stored.expires_at <= now:
        raise SessionRevoked()
    # Compare-and-swap: of two requests racing with one token, one wins and one is a reuse.
    claimed = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == stored.id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        await revoke_family(session, stored.family_id)
        record("auth.refresh_token_reused", resource_type="user", actor_user_id=stored.user_id)
        raise SessionRevoked("This refresh token was already used; the session has been ended")
    user = await session.get(User, stored.user_id)
    if user is None or not user.is_active:
        raise SessionRevoked()
    role = await _current_role(session, user, stored.organization_id)
    if stored.organization_id is not None and role is None:
        raise SessionRevoked("You are no longer a member of this organization")
    return await start_session(
        session,
        config,
        user,
        Seat(stored.organization_id, role),
        ip=ip,
        user_agent=user_agent,
        family_id=stored.family_id,
    )


async def _current_role(
    session: AsyncSession, user: User, organization_id: uuid.UUID | None
) -> str | None:
    if organization_id is None:
        return Role.super_admin if user.is_super_admin else None
    member = await memberships.active(session, user.id, organization_id)
    if member is None and user.is_super_admin:
        return Role.super_admin
    return member.role if member is not None else None


async def revoke_family(session: AsyncSession, family_id: uuid.UUID) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


async def logout(
    session: AsyncSession,
    *,
    user: User,
    session_id: uuid.UUID | None,
    refresh_token: str | None,
    everywhere: bool = False,
) -> None:
    """Ends this session (the one the access token or the given refresh token belongs to);
    `everywhere` ends all of the user's sessions."""
    if everywhere:
        await identity_service.revoke_all_sessions(session, user)
        return
    families = {session_id} if session_id else set()
    if refresh_token:
        stored = await session.scalar(
            select(RefreshToken).where(
                RefreshToken.token_hash == digest(refresh_token),
                RefreshToken.user_id == user.id,
            )
        )
        if stored is not None:
            families.add(stored.family_id)
    for family in families:
        await revoke_family(session, family)
