"""Opaque secrets (refresh tokens, reset tokens, API keys, backup codes) and their stored form.

They are random enough (≥ 128 bits) that a plain SHA-256 is a safe stored form: nobody can
guess one from its hash, and an exact-match lookup by hash stays one indexed query.
"""

import hashlib
import secrets


def new_secret(prefix: str = "", *, nbytes: int = 32) -> str:
    return prefix + secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


API_KEY_PREFIX = "mk_"


def is_api_key(credential: str) -> bool:
    """An API key sent as `Authorization: Bearer` (seed 002's CRM clients send nothing else) is
    told from an access token by its prefix: access tokens are JWTs, which start with `eyJ`."""
    return credential.startswith(API_KEY_PREFIX)
