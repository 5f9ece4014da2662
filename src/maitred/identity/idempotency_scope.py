"""Whose an `Idempotency-Key` is (kit/idempotency.py asks; identity knows the credentials).

The IETF Idempotency-Key draft makes a key unique per client: here the principal, a user (any of
their sign-ins) or an API key, in the organization the request is for. Two access tokens of one
user share their keys, so a retry from a second login replays instead of booking or charging
twice; another user of the same organization never sees someone else's answer. Anonymous
callers (the public forms) are told apart by their address, as the trusted proxies report it,
and the organization they name (or the host they send to, which may pick it). A credential
that does not verify keeps its own scope: the request will be 401 anyway.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.types import Scope

from maitred.identity import repository
from maitred.identity.opaque import digest, is_api_key
from maitred.identity.tokens import AccessClaims, TokenSigner
from maitred.kit.db import Database
from maitred.kit.errors import AppError
from maitred.kit.idempotency_scope import caller_scope_of
from maitred.tenancy.domains import normalize as normalize_host

ClientAddress = Callable[[Scope, str | None], str]


class IdempotencyScope:
    def __init__(
        self, *, signer: TokenSigner, database: Database, client_address: ClientAddress
    ) -> None:
        self.signer = signer
        self.database = database
        self.client_address = client_address

    async def __call__(self, scope: Scope) -> str:
        headers = Headers(scope=scope)
        tenant = (headers.get("x-tenant-id") or "").strip()
        authorization = headers.get("authorization")
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() == "bearer" and is_api_key(token.strip()):
                return caller_scope_of("key", digest(token.strip()))
            if scheme.lower() == "bearer" and token.strip():
                try:
                    claims = self.signer.verify(token.strip())
                except AppError:
                    return caller_scope_of("cred", authorization)
                organization = await self._organization(claims, tenant)
                return caller_scope_of("user", claims.user_id, organization)
            return caller_scope_of("cred", authorization)
        api_key = (headers.get("x-api-key") or "").strip()
        if api_key:  # a key belongs to one organization
            return caller_scope_of("key", digest(api_key))
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        named = tenant or (query.get("org") or [""])[0].strip()
        if not named:  # the Host may pick the organization (tenancy/domains.py)
            named = "host:" + (normalize_host(headers.get("host") or "") or "")
        address = self.client_address(scope, headers.get("x-forwarded-for"))
        return caller_scope_of("anon", address, named.lower())

    async def _organization(self, claims: AccessClaims, tenant: str) -> str:
        """The organization as an id, however the request names it (id, slug, or not at all)."""
        if tenant:
            try:
                return str(uuid.UUID(tenant))
            except ValueError:
                row = await self.database.reads.one(
                    repository.ORGANIZATION_ID_BY_SLUG, slug=tenant.lower()
                )
                return str(row["id"]) if row else f"slug:{tenant.lower()}"
        if claims.organization_id is not None:
            return str(claims.organization_id)
        rows = await self.database.reads.all(repository.MEMBERSHIPS_OF_USER, user_id=claims.user_id)
        return str(rows[0]["organization_id"]) if len(rows) == 1 else ""
