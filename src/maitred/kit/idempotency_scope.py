"""Which `Idempotency-Key` a request carries and whose it is (kit/idempotency.py).

Keys are scoped to the caller, as the IETF Idempotency-Key draft asks. Apart from the middleware
because identity (identity/idempotency_scope.py) builds the app's scopes with `caller_scope_of`,
and code that calls a provider derives the provider's key from `idempotency_key`, without either
depending on the middleware.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from starlette.types import Scope

HEADER_NAMES = (b"idempotency-key", b"x-idempotency-key")


def _header(scope: Scope, names: tuple[bytes, ...]) -> str | None:
    for name, value in scope.get("headers", ()):
        if name in names:
            return str(value.decode("latin-1"))
    return None


def idempotency_key(scope: Scope) -> str | None:
    """The client's key as sent, under either header name; code that calls a provider derives
    the provider's key from it."""
    return _header(scope, HEADER_NAMES)


CallerScope = Callable[[Scope], Awaitable[str]]


def caller_scope_of(kind: str, *parts: object) -> str:
    """A scope as stored: its kind, then a hash of who (no address or id kept in the clear)."""
    joined = "\0".join(str(part) for part in parts)
    return f"{kind}:" + hashlib.sha256(joined.encode()).hexdigest()[:40]


def credential_scope(scope: Scope) -> str | None:
    """The credential itself, when nothing better is known (a request that will be 401)."""
    credential = _header(scope, (b"authorization",)) or _header(scope, (b"x-api-key",))
    return caller_scope_of("cred", credential) if credential else None


async def default_caller_scope(scope: Scope) -> str:
    """Who is asking: their credential, or their address when anonymous."""
    client = scope.get("client")
    return credential_scope(scope) or caller_scope_of("ip", client[0] if client else "unknown")
