"""Passwords: Argon2id at OWASP's parameters, a length rule and a list of common passwords.

Argon2 has no input limit, so long passphrases are accepted whole (no bcrypt-style 72-byte
truncation). `verify_password` also answers for unknown accounts by checking a dummy hash, so a
login takes the same time whether or not the email exists.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH, MAX_LENGTH = 10, 1024
# OWASP's Argon2id minimum: m = 19 MiB, t = 2, p = 1. Raising these makes `needs_rehash` true
# for older hashes, which are replaced at the next successful login.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@cache
def _common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of zxcvbn's frequency lists (loaded on first use)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str) -> str | None:
    """Why `password` is unacceptable, or None."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"Password must be at most {MAX_LENGTH} characters"
    if password.lower() in _common_passwords():
        return "This password is too common; choose another"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    return _hasher.hash("a password that no account has, used to spend the same time")


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-shape check: a missing hash (unknown account) still costs one Argon2 run."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
