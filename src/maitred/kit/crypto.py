"""Field-level encryption at rest and blind indexes, for PII and secrets in the database.

Threat model: a database dump, a backup or a replica that leaks, or someone who can read the
tables but not the application's configuration. Such a reader sees ciphertexts and keyed hashes,
never emails, phone numbers or tokens in clear. It does not protect against a compromised
application server, which holds the keys in its environment and decrypts on every read.

Values are sealed with AES-256-GCM: a random 96-bit nonce per value, and the column's context
("users.email") as associated data, so a ciphertext copied into another column fails to decrypt.
A token reads `v1.<key id>.<base64url nonce+ciphertext+tag>`; the key id names the key it was
sealed with, so keys rotate without a flag day: the newest key encrypts, every listed key
decrypts, and `needs_reencryption` tells a rewrite job which values still use an older key.
Ciphertexts do reveal the length of the value.

A blind index is an HMAC of the normalized value under a separate key, per purpose: equal
emails give equal indexes, so `WHERE email_index = :index` finds a row without decrypting any.
It reveals which rows share a value, and nothing to someone without the key. Changing the
blind index key means recomputing every index.

Keys come from MAITRED_ENCRYPTION_KEYS and MAITRED_BLIND_INDEX_KEY, or are derived from the
secret key when those are empty. Derived keys change with MAITRED_SECRET_KEY: before changing
it, list the old derived encryption key (`derived_encryption_key`) in MAITRED_ENCRYPTION_KEYS.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from maitred.config import ConfigError

if TYPE_CHECKING:
    from maitred.config import Settings

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
VERSION = "v1"
ENCRYPTION_INFO = b"maitred field encryption v1"
BLIND_INDEX_INFO = b"maitred blind index v1"
GENERATE_HINT = "generate one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'`"


class DecryptionError(Exception):
    """A stored value could not be decrypted: unknown key, tampered, or another column's."""


def generate_key() -> str:
    """A new random key in the form MAITRED_ENCRYPTION_KEYS and MAITRED_BLIND_INDEX_KEY take."""
    return _b64encode(os.urandom(KEY_BYTES))


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def normalize_email(value: str) -> str:
    """The form an email is blind-indexed in: `  Alice@Example.COM ` and `alice@example.com`
    are the same address for lookups."""
    return value.strip().lower()


class Keyring:
    """The encryption keys, newest first, and the blind index key."""

    def __init__(self, keys: Sequence[bytes], *, blind_index_key: bytes) -> None:
        if not keys:
            raise ValueError("a keyring needs at least one encryption key")
        if any(len(k) != KEY_BYTES for k in (*keys, blind_index_key)):
            raise ValueError(f"keys must be {KEY_BYTES} bytes")
        # Reversed: should two keys ever share a key id, the newer one wins.
        self._ciphers = {key_id(k): AESGCM(k) for k in reversed(keys)}
        self.key_ids = tuple(dict.fromkeys(key_id(k) for k in keys))
        self.newest_key_id = self.key_ids[0]
        self._blind_index_key = blind_index_key

    @classmethod
    def from_settings(cls, settings: Settings) -> Keyring:
        """Raises ConfigError, naming the variable, when a configured key is malformed."""
        if settings.encryption_keys.strip():
            keys = [
                _parse_key(text, name="MAITRED_ENCRYPTION_KEYS", position=n)
                for n, text in enumerate(settings.encryption_keys.split(","), start=1)
            ]
        else:
            keys = [_derive(settings.resolved_secret_key(), ENCRYPTION_INFO)]
        if settings.blind_index_key.strip():
            index_key = _parse_key(settings.blind_index_key, name="MAITRED_BLIND_INDEX_KEY")
        else:
            index_key = _derive(settings.resolved_secret_key(), BLIND_INDEX_INFO)
        return cls(keys, blind_index_key=index_key)

    def __repr__(self) -> str:
        return f"Keyring(key_ids={list(self.key_ids)})"

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.newest_key_id].encrypt(
            nonce, plaintext.encode(), context.encode()
        )
        return f"{VERSION}.{self.newest_key_id}.{_b64encode(nonce + sealed)}"

    def decrypt(self, token: str, *, context: str) -> str:
        kid, payload = _split(token, context)
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise DecryptionError(f"cannot decrypt {context}: key {kid} is not in the keyring")
        nonce, sealed = payload[:NONCE_BYTES], payload[NONCE_BYTES:]
        try:
            return cipher.decrypt(nonce, sealed, context.encode()).decode()
        except InvalidTag:
            raise DecryptionError(
                f"cannot decrypt {context}: the value was altered or belongs to another column"
            ) from None

    def needs_reencryption(self, token: str) -> bool:
        """True when the value was not sealed with the newest key (a rotation job rewrites it)."""
        kid, _ = _split(token, "a stored value")
        return kid != self.newest_key_id

    def blind_index(self, value: str, *, purpose: str) -> str:
        """64 hex characters; callers normalize first (`normalize_email`, E.164 phones)."""
        purpose_key = hmac.digest(self._blind_index_key, purpose.encode(), "sha256")
        return hmac.new(purpose_key, value.encode(), hashlib.sha256).hexdigest()


def derived_encryption_key(secret_key: str) -> str:
    """The encryption key used when MAITRED_ENCRYPTION_KEYS is empty, in its configured form,
    for listing it as an older key before the secret key changes."""
    return _b64encode(_derive(secret_key, ENCRYPTION_INFO))


_active: Keyring | None = None


def configure(keyring: Keyring | None) -> Keyring | None:
    """Makes `keyring` the process's keyring (the app, CLI and worker call this at start);
    returns the one it replaces."""
    global _active
    previous, _active = _active, keyring
    return previous


def active_keyring() -> Keyring:
    if _active is None:
        raise RuntimeError(
            "no encryption keyring configured: call "
            "maitred.kit.crypto.configure(Keyring.from_settings(settings)) at start-up"
        )
    return _active


def encrypt(plaintext: str, *, context: str) -> str:
    return active_keyring().encrypt(plaintext, context=context)


def decrypt(token: str, *, context: str) -> str:
    return active_keyring().decrypt(token, context=context)


def blind_index(value: str, *, purpose: str) -> str:
    return active_keyring().blind_index(value, purpose=purpose)


def _derive(secret_key: str, info: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info)
    return hkdf.derive(secret_key.encode())


def _parse_key(text: str, *, name: str, position: int | None = None) -> bytes:
    key = _b64decode(text.strip())
    if key is None or len(key) != KEY_BYTES:
        which = "" if position is None else f"key {position} "
        raise ConfigError(
            f"configuration error: {name}: {which}is not {KEY_BYTES} bytes in urlsafe base64; "
            f"{GENERATE_HINT}"
        )
    return key


def _split(token: str, what: str) -> tuple[str, bytes]:
    """The key id and the nonce+ciphertext+tag of a token."""
    version, _, rest = token.partition(".")
    kid, _, encoded = rest.partition(".")
    payload = _b64decode(encoded)
    if version != VERSION or len(kid) != 8 or payload is None:
        raise DecryptionError(f"cannot decrypt {what}: not an encrypted value")
    if len(payload) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError(f"cannot decrypt {what}: the value is truncated")
    return kid, payload


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_URLSAFE_TO_STANDARD = bytes.maketrans(b"-_", b"+/")


def _b64decode(text: str) -> bytes | None:
    """What `base64.b64decode(..., altchars=b"-_", validate=True)` returns, in half its time
    (every encrypted field of every row read goes through here)."""
    try:
        padded = (text + "=" * (-len(text) % 4)).encode("ascii")
        return binascii.a2b_base64(padded.translate(_URLSAFE_TO_STANDARD), strict_mode=True)
    except (binascii.Error, ValueError):
        return None
