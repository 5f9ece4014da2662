"""Signing in with Google: verifying the ID token, then finding, linking or creating the user.

The token is checked the way Google documents it: an RS256 signature by one of Google's
published keys (JWKS, cached), our client id as audience, Google as issuer, not expired, and a
verified email. A user is found by their Google subject first, then by verified email (and
linked); a new one is a customer of the organization in X-Tenant-ID, where it allows sign-up.
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from typing import Any

import jwt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.identity import profile, sessions
from maitred.identity import service as identity_service
from maitred.identity.models import User
from maitred.identity.sessions import AuthConfig, SignedIn
from maitred.kit.auditnote import record
from maitred.kit.errors import (
    AppError,
    InvalidRequest,
    Unauthorized,
)

ISSUERS = ("accounts.google.com", "https://accounts.google.com")
CLOCK_SKEW_SECONDS = 30


class GoogleUnavailable(AppError):
    """Google's signing keys could not be fetched."""

    status_code, code = 502, "external_api_error"
    message = "Could not reach Google to check the sign-in; try again shortly"


@dataclass(frozen=True)
class GoogleIdentity:
    subject: str
    email: str
    name: str
    given_name: str
    family_name: str


@functools.lru_cache(maxsize=8)
def _key_client(jwks_url: str) -> jwt.PyJWKClient:
    """One client per URL for the process, so the keys are fetched once, not per sign-in."""
    return jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600, timeout=10)


def _signing_key(jwks_url: str, token: str) -> Any:
    try:
        return _key_client(jwks_url).get_signing_key_from_jwt(token).key
    except jwt.PyJWKClientConnectionError:
        raise GoogleUnavailable() from None
    except jwt.PyJWTError:
        raise Unauthorized("The Google token is invalid") from None


async def verify_id_token(config: AuthConfig, token: str) -> GoogleIdentity:
    """The identity in a valid Google ID token; `Unauthorized` with the reason otherwise."""
    if not config.google_client_id:
        raise InvalidRequest(
            "Google sign-in is not configured on this server (set MAITRED_GOOGLE_CLIENT_ID)"
        )
    key = await asyncio.to_thread(_signing_key, config.google_jwks_url, token)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=config.google_client_id,
            issuer=ISSUERS,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The Google token has expired; sign in with Google again") from None
    except jwt.InvalidAudienceError:
        raise Unauthorized("The Google token was issued for another application") from None
    except jwt.InvalidIssuerError:
        raise Unauthorized("The token was not issued by Google") from None
    except jwt.PyJWTError:
        raise Unauthorized("The Google token is invalid") from None
    email = claims.get("email")
    if not isinstance(email, str) or not email:
        raise Unauthorized("The Google token carries no email address")
    if claims.get("email_verified") not in (True, "true"):
        raise Unauthorized("Google has not verified this email address")
    return GoogleIdentity(
        subject=str(claims["sub"]),
        email=email,
        name=str(claims.get("name") or ""),
        given_name=str(claims.get("given_name") or ""),
        family_name=str(claims.get("family_name") or ""),
    )


async def _create_customer(
    session: AsyncSession, identity: GoogleIdentity, tenant: str | None
) -> User:
    organization = await profile.organization_open_to_signup(
        session,
        tenant,
        no_tenant="No account uses this Google address; say which business you are signing up with",
    )
    full_name = identity.name or f"{identity.given_name} {identity.family_name}".strip()
    user = await identity_service.create_user(
        session, email=identity.email, password=None, full_name=full_name, email_verified=True
    )
    user.first_name, user.last_name = identity.given_name, identity.family_name
    user.google_subject = identity.subject
    await profile.join_as_customer(session, user, organization, method="google")
    return user


async def _find_or_create(
    session: AsyncSession, identity: GoogleIdentity, tenant: str | None
) -> User:
    user = await session.scalar(select(User).where(User.google_subject == identity.subject))
    if user is not None:
        return user
    user = await identity_service.find_by_email(session, identity.email)
    if user is None:
        return await _create_customer(session, identity, tenant)
    if user.google_subject is not None:
        raise Unauthorized("This account is linked to a different Google account")
    user.google_subject = identity.subject
    if not user.email_verified:
        # Whoever chose the password never proved the mailbox (anyone can sign up with another
        # person's address): it stops working, as do its sessions; the holder can set one.
        user.password_hash = None
        await identity_service.revoke_all_sessions(session, user)
    user.email_verified = True  # Google vouches for the mailbox
    record("auth.google_linked", resource_type="user", resource_id=user.id, actor_user_id=user.id)
    return user


async def sign_in(
    session: AsyncSession,
    config: AuthConfig,
    *,
    token: str,
    tenant: str | None,
    ip: str,
    user_agent: str,
) -> SignedIn:
    """Like a password sign-in, Google standing in for the password: MFA still applies."""
    identity = await verify_id_token(config, token)
    user = await _find_or_create(session, identity, tenant)
    if not user.is_active:
        raise Unauthorized("This account has been deactivated")
    seat = await sessions.choose_seat(session, user, tenant)
    if user.mfa_enabled:
        raise sessions.mfa_challenge(config, user, seat)
    return await sessions.complete_login(
        session, config, user, seat, ip=ip, user_agent=user_agent, method="google"
    )
