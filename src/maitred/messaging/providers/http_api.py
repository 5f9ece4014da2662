"""What the HTTP providers (Twilio, RingCentral, WhatsApp, Telegram) share: one call that turns
network trouble into a transient failure, and the rule for what an HTTP status means.

A client per call: sends are few and come from the worker, whose event loops come and go (CLI,
tests), so a long-lived client would outlive its loop for little gain.
"""

from __future__ import annotations

from typing import Any

import httpx

from maitred.messaging.providers.base import PermanentSendError, SendError, TransientSendError

TIMEOUT = httpx.Timeout(15.0, connect=5.0)
# Statuses worth another try: a timeout, throttling, the provider's own trouble.
RETRYABLE = frozenset({408, 409, 425, 429})


async def call(provider: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """The provider's answer whatever its status; no answer at all is transient. The URL stays
    out of the message: Telegram's carries the bot token."""
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            return await client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise TransientSendError(f"{provider} did not answer in time", code="timeout") from exc
    except httpx.HTTPError as exc:
        raise TransientSendError(
            f"{provider} unreachable ({type(exc).__name__})", code="network_error"
        ) from exc


async def fetch(provider: str, url: str, *, max_bytes: int, **kwargs: Any) -> tuple[bytes, str]:
    """The bytes at `url` and their declared type, read no further than `max_bytes` + 1 (a
    larger file is refused permanently: it will not shrink)."""
    try:
        async with (
            httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=True) as client,
            client.stream("GET", url, **kwargs) as response,
        ):
            if response.status_code >= 400:
                raise failure(provider, response.status_code, None, "media not fetched")
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise PermanentSendError(
                        f"{provider} media is larger than {max_bytes} bytes", code="too_large"
                    )
            return b"".join(chunks), response.headers.get("content-type", "")
    except httpx.TimeoutException as exc:
        raise TransientSendError(f"{provider} did not answer in time", code="timeout") from exc
    except httpx.HTTPError as exc:
        raise TransientSendError(
            f"{provider} unreachable ({type(exc).__name__})", code="network_error"
        ) from exc


def body_of(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of an answer, or {} for anything else (an HTML error page of a proxy)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def is_retryable(status: int) -> bool:
    return status in RETRYABLE or status >= 500


def failure(
    provider: str, status: int, code: object, message: object, *, transient: bool | None = None
) -> SendError:
    """The error for a refused request: transient for retryable statuses unless the caller
    knows better from the provider's own error code."""
    retry = is_retryable(status) if transient is None else transient
    text = f"{provider} answered {status}: {message or 'no reason given'}"[:500]
    kind = TransientSendError if retry else PermanentSendError
    return kind(text, code=str(code) if code not in (None, "") else str(status))


def base_url(value: str) -> str:
    return value.rstrip("/")
