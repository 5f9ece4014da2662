"""Access tokens: short-lived signed JWTs carrying who, where, which role, and a token version.

The version is the user's `token_version` at issue time; raising it (password change,
deactivation, "sign out everywhere") makes every older access token fail the check that the
authentication layer does against the user row. Refresh tokens are not JWTs: they are random
strings stored hashed, so that they can be rotated and revoked (see the identity service).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from maitred.kit.clock import utcnow
from maitred.kit.errors import Unauthorized

ALGORITHM = "HS256"
ISSUER = "maitred"
ACCESS_TOKEN_TYPE = "access"


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    organization_id: uuid.UUID | None
    role: str
    token_version: int
    token_id: str
    expires_at: datetime
    # The sign-in (refresh-token family) this token belongs to: signing out ends it at once.
    session_id: uuid.UUID | None = None


def derive_signing_key(secret_key: str) -> bytes:
    """A key for tokens only, so the secret key itself signs nothing directly."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"maitred access tokens v1"
    ).derive(secret_key.encode())


VERIFIED_KEPT = 4096
"""Tokens whose signature was checked, kept with their claims until they expire (per process)."""


class TokenSigner:
    def __init__(self, secret_key: str, *, lifetime: timedelta = timedelta(minutes=30)) -> None:
        self.key = derive_signing_key(secret_key)
        self.lifetime = lifetime
        # A token is immutable and its claims are fixed by its signature, so a signature once
        # checked need not be checked again (~100 µs of every authenticated request): only
        # expiry changes with time. Whether the session, user and organization are still
        # alive is read from the database on every request, never kept here.
        self._verified: dict[str, AccessClaims] = {}

    def issue(
        self,
        *,
        user_id: uuid.UUID,
        organization_id: uuid.UUID | None,
        role: str,
        token_version: int,
        session_id: uuid.UUID | None = None,
        now: datetime | None = None,
    ) -> tuple[str, AccessClaims]:
        issued = now or utcnow()
        claims = AccessClaims(
            user_id=user_id,
            organization_id=organization_id,
            role=role,
            token_version=token_version,
            token_id=uuid.uuid4().hex,
            expires_at=issued + self.lifetime,
            session_id=session_id,
        )
        payload = {
            "iss": ISSUER,
            "typ": ACCESS_TOKEN_TYPE,
            "sub": str(user_id),
            "org": str(organization_id) if organization_id else None,
            "role": role,
            "ver": token_version,
            "jti": claims.token_id,
            "sid": str(session_id) if session_id else None,
            "iat": int(issued.timestamp()),
            "exp": int(claims.expires_at.timestamp()),
        }
        return jwt.encode(payload, self.key, algorithm=ALGORITHM), claims

    def verify(self, token: str, *, now: datetime | None = None) -> AccessClaims:
        """The claims of a valid access token; `Unauthorized` with a plain reason otherwise."""
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify_signature(token)
            if len(self._verified) >= VERIFIED_KEPT:
                self._verified.pop(next(iter(self._verified)))
            self._verified[token] = claims
        if claims.expires_at <= (now or utcnow()):
            self._verified.pop(token, None)
            raise Unauthorized("The access token has expired")
        return claims

    def _verify_signature(self, token: str) -> AccessClaims:
        try:
            payload = jwt.decode(
                token,
                self.key,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "typ", "ver", "jti"]},
                leeway=0,
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("The access token has expired") from None
        except jwt.PyJWTError:
            raise Unauthorized("The access token is invalid") from None
        if payload["typ"] != ACCESS_TOKEN_TYPE:
            raise Unauthorized("The access token is invalid")
        try:
            claims = AccessClaims(
                user_id=uuid.UUID(payload["sub"]),
                organization_id=uuid.UUID(payload["org"]) if payload.get("org") else None,
                role=str(payload["role"]),
                token_version=int(payload["ver"]),
                token_id=str(payload["jti"]),
                expires_at=datetime.fromtimestamp(payload["exp"], tz=utcnow().tzinfo),
                session_id=uuid.UUID(payload["sid"]) if payload.get("sid") else None,
            )
        except (KeyError, TypeError, ValueError):
            raise Unauthorized("The access token is invalid") from None
        return claims


MFA_TOKEN_TYPE = "mfa"


def issue_mfa_token(
    signing_key: bytes, *, user_id: uuid.UUID, organization_id: uuid.UUID | None, minutes: int
) -> str:
    """Proof that the password was right, good only for `POST /auth/mfa/verify`."""
    now = utcnow()
    payload = {
        "iss": ISSUER,
        "typ": MFA_TOKEN_TYPE,
        "sub": str(user_id),
        "org": str(organization_id) if organization_id else None,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=minutes)).timestamp()),
    }
    return jwt.encode(payload, signing_key, algorithm=ALGORITHM)


def verify_mfa_token(signing_key: bytes, token: str) -> tuple[uuid.UUID, uuid.UUID | None]:
    try:
        payload = jwt.decode(
            token,
            signing_key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "sub", "typ"]},
        )
        if payload["typ"] != MFA_TOKEN_TYPE:
            raise jwt.InvalidTokenError
        org = payload.get("org")
        return uuid.UUID(payload["sub"]), uuid.UUID(org) if org else None
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The MFA token has expired; sign in again") from None
    except (jwt.PyJWTError, KeyError, ValueError):
        raise Unauthorized("The MFA token is invalid") from None
