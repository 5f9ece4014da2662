"""Who asks for a money write (`Caller`: the organization, the user or API key, and the client's
`Idempotency-Key` as sent) and the key the write is stored under, so that a retry finds its row
again (`request_key`). Charges, pages, payment links and refunds all take a `Caller`, so it
lives apart from any one of them.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Caller:
    organization_id: uuid.UUID
    user_id: uuid.UUID | None = None
    idempotency_key: str | None = None  # the client's, as sent
    api_key_id: uuid.UUID | None = None


def request_key(caller: Caller, action: str) -> str | None:
    """The money write a client's Idempotency-Key names: unique per organization and principal
    (user or API key), as the middleware scopes the key, so a retry finds its row again."""
    if not caller.idempotency_key:
        return None
    principal = caller.user_id or caller.api_key_id or ""
    raw = f"{caller.organization_id}:{principal}:{action}:{caller.idempotency_key}"
    return hashlib.sha256(raw.encode()).hexdigest()
