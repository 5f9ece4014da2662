"""Access tokens: signed, short-lived, bound to a token version."""

from __future__ import annotations

import uuid
from datetime import timedelta

import jwt
import pytest

from maitred.identity.tokens import TokenSigner, derive_signing_key
from maitred.kit.clock import utcnow
from maitred.kit.errors import Unauthorized

SECRET = "test-secret-key-that-is-long-enough-for-production"


def _issue(signer: TokenSigner, **changes: object) -> str:
    values: dict[str, object] = {
        "user_id": uuid.uuid4(),
        "organization_id": uuid.uuid4(),
        "role": "manager",
        "token_version": 3,
    }
    values.update(changes)
    token, _claims = signer.issue(**values)  # type: ignore[arg-type]
    return token


def test_a_token_carries_user_organization_role_and_version() -> None:
    signer = TokenSigner(SECRET)
    user, org = uuid.uuid4(), uuid.uuid4()
    token, issued = signer.issue(user_id=user, organization_id=org, role="staff", token_version=7)
    claims = signer.verify(token)
    assert (claims.user_id, claims.organization_id, claims.role, claims.token_version) == (
        user,
        org,
        "staff",
        7,
    )
    assert claims.token_id == issued.token_id
    assert abs(claims.expires_at - issued.expires_at) < timedelta(seconds=1)
    assert timedelta(minutes=29) < claims.expires_at - utcnow() <= timedelta(minutes=30)


def test_expired_token_is_refused_with_its_reason() -> None:
    signer = TokenSigner(SECRET)
    token = _issue(signer, now=utcnow() - timedelta(minutes=31))
    with pytest.raises(Unauthorized, match="expired"):
        signer.verify(token)


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # bad signature
        lambda t: jwt.encode(
            jwt.decode(t, options={"verify_signature": False}), "another-key-of-32-bytes-or-more!!"
        ),
        lambda t: jwt.encode(
            {**jwt.decode(t, options={"verify_signature": False}), "typ": "refresh"},
            derive_signing_key(SECRET),
            algorithm="HS256",
        ),
        lambda t: jwt.encode(
            jwt.decode(t, options={"verify_signature": False}), None, algorithm="none"
        ),
        lambda _t: "not a token",
    ],
    ids=["tampered", "other-key", "wrong-type", "alg-none", "garbage"],
)
def test_forged_tokens_are_refused(forge: object) -> None:
    signer = TokenSigner(SECRET)
    token = _issue(signer)
    with pytest.raises(Unauthorized, match="invalid"):
        signer.verify(forge(token))  # type: ignore[operator]


def test_another_secret_cannot_verify() -> None:
    token = _issue(TokenSigner(SECRET))
    with pytest.raises(Unauthorized):
        TokenSigner("another-secret-key-that-is-long-enough-too").verify(token)
