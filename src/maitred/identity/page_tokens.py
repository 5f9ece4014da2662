"""The value of the dashboard's cookie: signed claims naming an identity session (a
refresh-token family). Its own `typ`, so it is never taken as an access token, nor one for it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import jwt

from maitred.identity.tokens import ALGORITHM, ISSUER, AccessClaims
from maitred.kit.clock import utcnow
from maitred.kit.errors import Unauthorized

COOKIE = "maitred_session"
PAGE_TOKEN_TYPE = "page"


def issue(signing_key: bytes, access: AccessClaims, lifetime: timedelta) -> str:
    """The cookie for the session `access` (a sign-in's access claims) belongs to."""
    now = utcnow()
    payload = {
        "iss": ISSUER,
        "typ": PAGE_TOKEN_TYPE,
        "sub": str(access.user_id),
        "org": str(access.organization_id) if access.organization_id else None,
        "role": access.role,
        "ver": access.token_version,
        "jti": access.token_id,
        "sid": str(access.session_id),
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
    }
    return jwt.encode(payload, signing_key, algorithm=ALGORITHM)


VERIFIED_KEPT = 4096
"""Cookies whose signature was checked, kept with their claims until they expire (per process)."""

_verified: dict[tuple[bytes, str], AccessClaims] = {}


def claims_of(signing_key: bytes, value: str) -> AccessClaims:
    """The claims of a cookie this instance signed, or `Unauthorized`.

    A cookie is immutable and its claims are fixed by its signature, so its signature is
    checked once (every page asked twice: the rate limiter and the page's user, ~150 µs each);
    only expiry changes with time. Whether its session, user and organization are still alive
    is read on every request (identity/deps.py), never kept here."""
    key = (signing_key, value)
    claims = _verified.get(key)
    if claims is None:
        claims = _verify_signature(signing_key, value)
        if len(_verified) >= VERIFIED_KEPT:
            _verified.pop(next(iter(_verified)))
        _verified[key] = claims
    if claims.expires_at <= utcnow():
        _verified.pop(key, None)
        raise Unauthorized("Sign in again")
    return claims


def _verify_signature(signing_key: bytes, value: str) -> AccessClaims:
    try:
        payload = jwt.decode(
            value,
            signing_key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "sub", "typ", "ver", "sid", "jti"]},
        )
        if payload["typ"] != PAGE_TOKEN_TYPE:
            raise jwt.InvalidTokenError
        return AccessClaims(
            user_id=uuid.UUID(payload["sub"]),
            organization_id=uuid.UUID(payload["org"]) if payload.get("org") else None,
            role=str(payload.get("role") or ""),
            token_version=int(payload["ver"]),
            token_id=str(payload["jti"]),
            expires_at=datetime.fromtimestamp(payload["exp"], tz=utcnow().tzinfo),
            session_id=uuid.UUID(payload["sid"]),
        )
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        raise Unauthorized("Sign in again") from None
