"""Signed, expiring links to one stored file, for whoever cannot sign in: a provider fetching
the media of an MMS we send. The token names the file and its expiry and carries an HMAC of
both with a key derived from the secret key; a wrong or expired token is a plain 404."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid

from maitred.config import Settings

_PURPOSE = b"maitred.files.signed-link"


def _key(settings: Settings) -> bytes:
    return hmac.new(settings.resolved_secret_key().encode(), _PURPOSE, hashlib.sha256).digest()


def _signature(settings: Settings, file_id: uuid.UUID, expires: int) -> str:
    mac = hmac.new(_key(settings), f"{file_id}:{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode()


def token_for(settings: Settings, file_id: uuid.UUID, *, now: float | None = None) -> str:
    expires = int((now or time.time()) + settings.signed_url_seconds)
    return f"{file_id.hex}.{expires:x}.{_signature(settings, file_id, expires)}"


def file_of(settings: Settings, token: str, *, now: float | None = None) -> uuid.UUID | None:
    """The file a valid, unexpired token names; None for anything else."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        file_id, expires = uuid.UUID(hex=parts[0]), int(parts[1], 16)
    except ValueError:
        return None
    if expires < (now or time.time()):
        return None
    if not hmac.compare_digest(parts[2], _signature(settings, file_id, expires)):
        return None
    return file_id


def signed_url(settings: Settings, file_id: uuid.UUID) -> str:
    base = settings.public_url.rstrip("/")
    return f"{base}/api/v1/files/signed/{token_for(settings, file_id)}"
