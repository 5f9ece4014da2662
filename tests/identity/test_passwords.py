"""Password rules and hashing (the identity endpoints build on these)."""

from __future__ import annotations

import time

from argon2 import PasswordHasher

from maitred.identity.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)


def test_length_and_common_password_rules() -> None:
    assert password_problem("short") == "Password must be at least 10 characters"
    assert password_problem("x" * 1025) == "Password must be at most 1024 characters"
    assert password_problem("qwertyuiop") == "This password is too common; choose another"
    assert password_problem("Password123") == "This password is too common; choose another"
    assert password_problem("grill the scallops at dawn") is None


def test_long_passphrases_are_not_truncated() -> None:
    passphrase = "a" * 63 + "b" + "c" * 40
    stored = hash_password(passphrase)
    assert verify_password(stored, passphrase)
    assert not verify_password(stored, "a" * 63 + "B" + "c" * 40)
    assert not verify_password(stored, passphrase[:72])


def test_hash_is_argon2id_at_owasp_parameters() -> None:
    stored = hash_password("grill the scallops at dawn")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert not needs_rehash(stored)
    weaker = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    assert needs_rehash(weaker.hash("grill the scallops at dawn"))


def test_unknown_account_costs_the_same_as_a_wrong_password() -> None:
    stored = hash_password("grill the scallops at dawn")
    verify_password(None, "warm up")  # the dummy hash is made once

    def seconds(password_hash: str | None) -> float:
        began = time.perf_counter()
        assert not verify_password(password_hash, "not the password at all")
        return time.perf_counter() - began

    # Alternating rounds, fastest of each: a stall on a busy machine (the suite runs on every
    # core) cannot decide the outcome.
    # An unknown account that skipped the hash would answer in microseconds, a ratio near 0;
    # the bounds leave room for a loaded machine (a stall of 2.5x was seen in CI).
    rounds = [(seconds(stored), seconds(None)) for _ in range(7)]
    known, unknown = (min(times) for times in zip(*rounds, strict=True))
    assert 0.2 < unknown / known < 5.0
