"""One HTTP attempt of a webhook delivery, and what came of it.

The attempt has one deadline for everything (resolving, connecting, sending, the first 2 KB of
the answer), so a receiver that trickles its answer cannot hold a worker past its lease. Only
the head of the answer is read, undecoded (we ask for `identity`): enough to show the receiver's
error, never a memory risk.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from maitred.config import Settings
from maitred.kit.clock import utcnow
from maitred.webhooks.errors import UnsafeTarget
from maitred.webhooks.signing import body_bytes, standard_headers
from maitred.webhooks.targets import checked_target

USER_AGENT = "maitred-webhooks/1.0 (+https://www.standardwebhooks.com)"
BODY_LIMIT = 2048


@dataclass(frozen=True)
class Attempt:
    """What to send, read from the database before any network I/O."""

    url: str
    secret: str
    webhook_id: uuid.UUID
    payload: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    succeeded: bool
    response_status: int | None = None
    response_body: str | None = None
    error: str | None = None
    duration_ms: int | None = None


def new_client(settings: Settings) -> httpx.AsyncClient:
    """No redirects (a 3xx is a failed attempt, and could point inside the network), no
    proxies from the environment (the SSRF guard checks where we connect), and no reused
    connections: a pinned request names an address, and a connection whose TLS was checked for
    one host must not carry a request for another host on the same address."""
    return httpx.AsyncClient(
        timeout=settings.webhook_timeout_seconds,
        follow_redirects=False,
        trust_env=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


async def post(client: httpx.AsyncClient, settings: Settings, attempt: Attempt) -> Outcome:
    started = time.monotonic()
    status: int | None = None
    text: str | None = None
    try:
        async with asyncio.timeout(settings.webhook_timeout_seconds):
            target = await checked_target(attempt.url, settings)
            body = body_bytes(attempt.payload)
            headers = {
                "content-type": "application/json",
                "user-agent": USER_AGENT,
                "accept-encoding": "identity",
                **standard_headers(
                    str(attempt.webhook_id), int(utcnow().timestamp()), body, attempt.secret
                ),
            }
            if target.pinned_address is not None:
                headers["host"] = target.host_header()
            request = client.build_request(
                "POST",
                target.request_url(),
                content=body,
                headers=headers,
                extensions=target.request_extensions(),
            )
            response = await client.send(request, stream=True)
            status = response.status_code
            try:
                text = await _head_of(response)
            finally:
                await response.aclose()
    except UnsafeTarget as exc:
        return _failed(started, f"Refused: {exc.reason}")
    except TimeoutError:
        return _failed(
            started, f"Timed out after {settings.webhook_timeout_seconds:g} s", status, text
        )
    except httpx.HTTPError as exc:
        return _failed(started, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    if 200 <= status < 300:
        return Outcome(True, status, text, None, _elapsed_ms(started))
    return _failed(started, f"The receiver answered HTTP {status}", status, text)


async def _head_of(response: httpx.Response) -> str:
    head = bytearray()
    async for chunk in response.aiter_raw():
        head += chunk
        if len(head) >= BODY_LIMIT:
            break
    return bytes(head[:BODY_LIMIT]).decode("utf-8", errors="replace")


def _failed(
    started: float, error: str, status: int | None = None, text: str | None = None
) -> Outcome:
    return Outcome(False, status, text, error[:2000], _elapsed_ms(started))


def _elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
