"""The dashboard's cookie session, bound to an identity session so that what ends an API session
ends the cookie too.

The cookie carries no secret of its own (identity/page_tokens.py): every request checks it
against the database exactly as an access token is checked (identity/deps.py), so logout (the
family revoked), a password change or a deactivation (the token version, the membership) take
effect on the very next page.
"""

from __future__ import annotations

from fastapi import Request

from maitred.identity import page_tokens
from maitred.identity.deps import AuthContext, context_of_claims
from maitred.identity.sessions import AuthConfig, SignedIn

COOKIE = page_tokens.COOKIE


def issue(config: AuthConfig, signed_in: SignedIn) -> str:
    """The cookie's value for a sign-in just completed; it lives as long as the session's
    refresh token would."""
    access = config.signer.verify(signed_in.access_token)
    return page_tokens.issue(config.signer.key, access, config.refresh_lifetime)


async def context(request: Request, config: AuthConfig, value: str) -> AuthContext:
    """The signed-in user behind the cookie, as the API would see them now."""
    return await context_of_claims(request, page_tokens.claims_of(config.signer.key, value))
