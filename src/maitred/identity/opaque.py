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
