"""How receivers know a webhook came from us: two signatures, both keyed with the secret shown
once at subscription time (`whsec_` + base64 of 32 random bytes).

- Standard Webhooks (standardwebhooks.com) headers: `webhook-id`, `webhook-timestamp` and
  `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed with the
  base64-decoded part after `whsec_`. Their libraries verify these in every language (a test
  checks our deliveries with their Python library, `standardwebhooks`).
- Seed 004's `signature` body field: `sha256=<hex HMAC-SHA256>` of the body without that field,
  serialized as compact JSON with sorted keys (Python: `json.dumps(body, sort_keys=True,
  separators=(",", ":"), ensure_ascii=False)`), keyed with the whole secret string's UTF-8 bytes.

The body is sent as compact JSON with sorted keys, so a retry sends the same bytes whatever the
database did to the stored payload's key order (PostgreSQL's JSONB reorders keys).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

import orjson

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def body_bytes(payload: dict[str, Any]) -> bytes:
    return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)


def signed_payload(event: str, timestamp: str, data: dict[str, Any], secret: str) -> dict[str, Any]:
    """Seed 004's body: `{"event", "timestamp", "data", "signature"}`."""
    unsigned = {"event": event, "timestamp": timestamp, "data": data}
    digest = hmac.new(secret.encode(), body_bytes(unsigned), hashlib.sha256).hexdigest()
    return {**unsigned, "signature": f"sha256={digest}"}


def standard_headers(webhook_id: str, timestamp: int, body: bytes, secret: str) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt (the timestamp is the attempt's)."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    signature = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": f"v1,{signature}",
    }
