"""Rate-limit quotas by who is calling (API.md): per user for access tokens, per API key for
keys, per client address otherwise; admins count against the larger admin tier.

The rate limiter runs before authentication, so this only checks the access token's signature
(no database): a forged or stale token keeps the anonymous-credential quota it had and is then
refused by authentication as usual.
"""

from __future__ import annotations

from starlette.types import Scope

from maitred.identity.tokens import TokenSigner
from maitred.kit.errors import Unauthorized
from maitred.kit.ratelimit_middleware import TierResolver
from maitred.kit.roles import Role

ADMIN_ROLES = frozenset({Role.admin.value, Role.super_admin.value})


class IdentityTierResolver(TierResolver):
    def __init__(self, trusted_proxies: str, signer: TokenSigner) -> None:
        super().__init__(trusted_proxies)
        self.signer = signer

    def __call__(self, scope: Scope) -> tuple[str, str] | None:
        resolved = super().__call__(scope)
        if resolved is None or not resolved[1].startswith("cred:"):
            return resolved
        tier, key = resolved
        token = _bearer(scope)
        if token is None:
            return resolved  # an API key: its quota is its own (keyed by its hash)
        try:
            claims = self.signer.verify(token)
        except Unauthorized:
            return resolved
        if tier == "authenticated" and claims.role in ADMIN_ROLES:
            tier = "admin"
        return tier, f"user:{claims.user_id}"


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return None
