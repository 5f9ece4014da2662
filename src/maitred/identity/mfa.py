"""Multi-factor authentication: TOTP (RFC 6238) with single-use backup codes.

A code is good once: the time step of every accepted TOTP code is stored in
`users.mfa_last_step` by a compare-and-swap, so a code seen over someone's shoulder (or two
requests racing with one code) cannot be used again, and a backup code is spent by a
compare-and-swap on `used_at`. The secret is stored encrypted, backup codes as SHA-256 digests.
Failed second factors during sign-in back off under their own key (identity/throttle), which
only someone who knows the password can raise.
"""

from __future__ import annotations

import base64
import hmac
import io
import secrets
import uuid
from dataclasses import dataclass

import pyotp
import segno
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.identity import service as identity_service
from maitred.identity import throttle
from maitred.identity.errors import InvalidCredentials
from maitred.identity.models import MfaBackupCode, User
from maitred.identity.opaque import digest
from maitred.identity.passwords import hash_password, needs_rehash, verify_password
from maitred.identity.sessions import (
    Attempt,
    AuthConfig,
    Seat,
    SignedIn,
    choose_seat,
    complete_login,
)
from maitred.identity.tokens import verify_mfa_token
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.errors import Forbidden, InvalidState, Unauthorized, ValidationFailed
from maitred.kit.ratelimit import Limiter
from maitred.kit.roles import Role
from maitred.tenancy import memberships

ISSUER = "maitred"
BACKUP_CODE_COUNT = 10
_BACKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
_BACKUP_LENGTH = 10


class InvalidCode(Unauthorized):
    """A wrong, used or expired second factor; counted towards the second factor's backoff."""

    message = "Invalid code"
    keep_changes = True


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_url: str
    qr_code: str
    backup_codes: list[str]


def _qr_data_url(text: str) -> str:
    buffer = io.BytesIO()
    segno.make(text).save(buffer, kind="png", scale=5)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _new_backup_code() -> str:
    raw = "".join(secrets.choice(_BACKUP_ALPHABET) for _ in range(_BACKUP_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _normalized(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


async def backup_codes_remaining(session: AsyncSession, user_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(MfaBackupCode)
        .where(MfaBackupCode.user_id == user_id, MfaBackupCode.used_at.is_(None))
    )
    return int(count or 0)


async def setup(session: AsyncSession, user: User) -> Enrolment:
    """A new secret and new backup codes; MFA stays off until a code proves the app has it."""
    if user.mfa_enabled:
        raise InvalidState("MFA is already enabled; disable it first to enrol again")
    secret = pyotp.random_base32()
    user.mfa_secret = secret
    await session.execute(delete(MfaBackupCode).where(MfaBackupCode.user_id == user.id))
    codes = [_new_backup_code() for _ in range(BACKUP_CODE_COUNT)]
    session.add_all(
        MfaBackupCode(user_id=user.id, code_hash=digest(_normalized(code))) for code in codes
    )
    await session.flush()
    url = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return Enrolment(secret, url, _qr_data_url(url), codes)


async def _use_totp(session: AsyncSession, user: User, code: str) -> bool:
    """Accepts the current time step ± 1, each step at most once (compare-and-swap)."""
    if user.mfa_secret is None or len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(user.mfa_secret)
    now = totp.timecode(utcnow())
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            claimed = await session.execute(
                update(User)
                .where(User.id == user.id, User.mfa_last_step < step)
                .values(mfa_last_step=step)
            )
            return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]
    return False


async def _use_backup_code(session: AsyncSession, user: User, code: str) -> bool:
    found = await session.scalar(
        select(MfaBackupCode.id).where(
            MfaBackupCode.user_id == user.id,
            MfaBackupCode.code_hash == digest(code),
            MfaBackupCode.used_at.is_(None),
        )
    )
    if found is None:
        return False
    claimed = await session.execute(
        update(MfaBackupCode)
        .where(MfaBackupCode.id == found, MfaBackupCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


async def use_code(session: AsyncSession, user: User, code: str) -> bool:
    """True when `code` is an unused TOTP code or backup code of `user`, now spent."""
    code = _normalized(code)
    if not code:
        return False
    if await _use_totp(session, user, code):
        return True
    return len(code) == _BACKUP_LENGTH and await _use_backup_code(session, user, code)


async def enable(session: AsyncSession, user: User, *, code: str) -> int:
    """Turns MFA on once a TOTP code shows the authenticator holds the secret; returns the
    number of backup codes."""
    if user.mfa_enabled:
        raise InvalidState("MFA is already enabled")
    if user.mfa_secret is None:
        raise InvalidState("Set up MFA first: POST /auth/mfa/setup")
    if not await _use_totp(session, user, _normalized(code)):
        record("auth.mfa_failed", resource_type="user", resource_id=user.id)
        raise ValidationFailed("Invalid code", details={"code": "Invalid code"})
    user.mfa_enabled = True
    record("auth.mfa_enabled", resource_type="user", resource_id=user.id)
    return await backup_codes_remaining(session, user.id)


async def disable(session: AsyncSession, user: User, *, password: str, code: str) -> None:
    """Needs both the password and a second factor, so a stolen session cannot turn it off."""
    if not user.mfa_enabled:
        raise InvalidState("MFA is not enabled")
    if not verify_password(user.password_hash, password) or not await use_code(session, user, code):
        record("auth.mfa_failed", resource_type="user", resource_id=user.id)
        raise Unauthorized("Wrong password or code")
    user.mfa_enabled = False
    user.mfa_secret = None
    await session.execute(delete(MfaBackupCode).where(MfaBackupCode.user_id == user.id))
    record("auth.mfa_disabled", resource_type="user", resource_id=user.id)


async def _seat_of(session: AsyncSession, user: User, organization_id: uuid.UUID | None) -> Seat:
    if organization_id is None:
        return Seat(None, Role.super_admin if user.is_super_admin else None)
    member = await memberships.active(session, user.id, organization_id)
    if member is not None:
        return Seat(organization_id, member.role)
    if user.is_super_admin:
        return Seat(organization_id, Role.super_admin)
    raise Unauthorized("You are no longer a member of this organization; sign in again")


async def complete_sign_in(
    session: AsyncSession,
    config: AuthConfig,
    *,
    mfa_token: str,
    code: str,
    ip: str,
    user_agent: str,
    limiter: Limiter | None = None,
) -> SignedIn:
    """The second step of a sign-in that answered `mfa_required`. The token shows the password
    was right, so only the second factor's own backoff applies, not the account's."""
    user_id, organization_id = verify_mfa_token(config.signer.key, mfa_token)
    user = await identity_service.get_user(session, user_id)
    if user is None or not user.is_active or not user.mfa_enabled:
        raise Unauthorized("The MFA token is invalid")
    attempt = Attempt.of(config, email=user.email, ip=ip, limiter=limiter)
    await attempt.refuse_if_throttled(session, config, password_only=False)
    if (wait := await throttle.backoff(session, attempt.keys.second_factor)) is not None:
        record("auth.login_throttled", actor_user_id=user.id, changes={"retry_after": wait})
        raise throttle.too_many(wait, config.throttle.free_failures)
    if not await use_code(session, user, code):
        await attempt.addresses.record(ip)
        if await throttle.record_failure(session, attempt.keys.second_factor, config.throttle):
            record("auth.mfa_backoff", actor_user_id=user.id)
        record("auth.mfa_failed", resource_type="user", resource_id=user.id, actor_user_id=user.id)
        raise InvalidCode()
    await throttle.clear(session, attempt.keys.account, attempt.keys.second_factor)
    seat = await _seat_of(session, user, organization_id)
    return await complete_login(
        session, config, user, seat, ip=ip, user_agent=user_agent, method="mfa"
    )


async def sign_in_with_code(
    session: AsyncSession,
    config: AuthConfig,
    *,
    email: str,
    password: str,
    code: str,
    tenant: str | None,
    ip: str,
    user_agent: str = "",
    only_role: Role | None = None,
    limiter: Limiter | None = None,
) -> SignedIn:
    """Password and second factor in one request, tried even while the account backs off from
    failed passwords: an attacker elsewhere can slow password guesses, not lock the owner out.

    The answer never says which of the two was wrong, and every failure counts against the
    account alike, so adding a made-up code is no way around the backoff to test passwords. A
    password without MFA behind it passes only outside the backoff, as it would alone.
    """
    attempt = Attempt.of(config, email=email, ip=ip, limiter=limiter)
    await attempt.refuse_if_throttled(session, config, password_only=False)
    backing_off = await throttle.backoff(session, attempt.keys.account) is not None
    user = await identity_service.find_by_email(session, email)
    good = verify_password(user.password_hash if user else None, password)
    passed = False
    if user is not None and good and user.is_active:
        if not user.mfa_enabled:
            passed = not backing_off
        elif await throttle.backoff(session, attempt.keys.second_factor) is None:
            passed = await use_code(session, user, code)
            if not passed:
                await throttle.record_failure(session, attempt.keys.second_factor, config.throttle)
    if user is None or not passed:
        await attempt.failed(session, config, user)
        raise InvalidCredentials("Invalid email, password or code")
    await throttle.clear(session, attempt.keys.account, attempt.keys.second_factor)
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    seat = await choose_seat(session, user, tenant)
    if only_role is not None and seat.role != only_role:
        record("auth.login_failed", actor_user_id=user.id, organization_id=seat.organization_id)
        raise Forbidden(f"This sign-in is only for users with the {only_role} role")
    method = "mfa" if user.mfa_enabled else "password"
    return await complete_login(
        session, config, user, seat, ip=ip, user_agent=user_agent, method=method
    )
