"""Signs webhook events the way Stripe documents it (docs.stripe.com/webhooks#verify-manually),
with hmac and hashlib rather than the SDK, so the provider is checked against the documented
scheme and not against the SDK's own idea of it."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any


def signed_event(
    secret: str, event: dict[str, Any], timestamp: int | None = None
) -> tuple[bytes, str]:
    """The payload and its `Stripe-Signature` header: `t=<unix time>,v1=<hex HMAC-SHA256 of
    "<t>.<payload>" keyed by the whole endpoint secret>`."""
    payload = json.dumps(event, indent=2).encode()
    return payload, signature_header(secret, payload, timestamp)


def signature_header(secret: str, payload: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={signature}"


def event_of(
    kind: str, data_object: dict[str, Any], *, created: int = 1767225600
) -> dict[str, Any]:
    """A v1 snapshot event as Stripe delivers it."""
    return {
        "id": "evt_3QxR9bLkdIwHu7ix0n6WQJ2e",
        "object": "event",
        "api_version": "2025-10-29.clover",
        "created": created,
        "data": {"object": data_object},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": kind,
    }
