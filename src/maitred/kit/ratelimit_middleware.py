"""The rate limit middleware: which tier and quota a request counts against, and the headers.

It runs before authentication exists, so the default `TierResolver` decides from the path and
the presence of a credential (hashed, never kept): the identity layer can pass a resolver that
knows the caller. Limited responses carry `X-RateLimit-Limit`, `X-RateLimit-Remaining`,
`X-RateLimit-Reset` (epoch seconds) and the IETF draft's `RateLimit-Policy` and `RateLimit`
(delta seconds); 401 and 403 responses carry none, so they never reveal quota state. A request
over its limit is answered 429 here and never reaches the app.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from maitred.config import ConfigError
from maitred.kit.clock import isoformat_z
from maitred.kit.errors import error_response
from maitred.kit.ratelimit import Limiter, Policy, RateState

Resolver = Callable[[Scope], tuple[str, str] | None]
"""The tier a request counts against and the key of its quota, or None when it is exempt."""

PolicyOverride = Callable[[Scope, str], Awaitable[Policy | None]]
"""An organization's own limit for a tier (per-organization settings), or None."""

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# The caller's own status is reported without being counted (peeked, not hit).
STATUS_PATHS = frozenset(
    {"/api/v1/monitoring/rate-limit/status", "/api/monitoring/rate-limit/status"}
)
EXEMPT_PATHS = frozenset({"/health", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
# The scripts and styles of /docs, /redoc and the pages, which one page view loads all at once.
EXEMPT_PREFIXES = ("/health/", "/docs/assets/", "/static/")
# After /api or /api/v1. Providers' callbacks are signed by their sender and retried by it
# (seed 001: "No limit"); limiting them would only lose payments and replies. The webhook
# subscriptions API beside them is limited like any other.
EXEMPT_API_PATHS = frozenset(
    {"/stripe/webhook"}
    | {f"/webhooks/{name}" for name in ("stripe", "twilio", "ringcentral", "whatsapp", "telegram")}
)
# An organization's own Stripe account posts to /webhooks/stripe/{organization id}.
EXEMPT_API_PREFIXES = ("/webhooks/stripe/",)
LOGIN_API_PATHS = frozenset(
    {
        "/auth/login",
        "/auth/register",
        "/auth/refresh",
        "/auth/mfa/verify",
        "/auth/google-login",
        "/facilitators/login",
    }
)
LOGIN_API_PREFIXES = ("/auth/password-reset",)
# The concierge's staff routes: a signed-in team member's ordinary quota, not the AI tier the
# customer-facing chat, understanding and quoting routes share.
AI_STAFF_PREFIXES = ("/ai/threads", "/ai/faq", "/ai/usage", "/ai/settings")


def parse_networks(text: str) -> tuple[Network, ...]:
    """`MAITRED_TRUSTED_PROXIES`: comma-separated addresses or CIDR blocks."""
    networks = []
    for item in text.split(","):
        if item := item.strip():
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ConfigError(
                    f"configuration error: MAITRED_TRUSTED_PROXIES: {item!r} is not an IP "
                    "address or CIDR block"
                ) from None
    return tuple(networks)


class ClientAddress:
    """The address a request came from: the peer's, or when the peer is a trusted proxy the
    right-most address of `X-Forwarded-For` that is not itself a trusted proxy (everything to
    its left was written by the client and could be anything)."""

    def __init__(self, trusted_proxies: str = "") -> None:
        self.networks = parse_networks(trusted_proxies)
        self._trusted: dict[str, bool] = {}

    def __call__(self, scope: Scope, forwarded_for: str | None) -> str:
        client = scope.get("client")
        peer = client[0] if client else "unknown"
        if not self.networks or forwarded_for is None or not self.is_trusted(peer):
            return peer
        hop = peer
        for candidate in reversed(forwarded_for.split(",")):
            address = candidate.strip()
            try:
                ipaddress.ip_address(address)
            except ValueError:
                return hop  # garbage from the client's side of the chain: stop at what we know
            if not self.is_trusted(address):
                return address
            hop = address
        return hop

    def is_trusted(self, address: str) -> bool:
        trusted = self._trusted.get(address)
        if trusted is None:
            try:
                ip = ipaddress.ip_address(address)
            except ValueError:
                trusted = False
            else:
                trusted = any(ip in network for network in self.networks)
            if len(self._trusted) >= 1024:
                self._trusted.clear()
            self._trusted[address] = trusted
        return trusted


def quota_address(address: str) -> str:
    """The address a quota is kept for: an IPv6 address counts as its /64, the block one
    subscriber gets (and can hop around in at will); anything else as it is."""
    if ":" not in address:
        return address
    try:
        network = ipaddress.IPv6Network(f"{address}/64", strict=False)
    except ValueError:
        return address
    return str(network)


def _api_path(path: str) -> str | None:
    """The path after `/api/v1` or `/api`, without a trailing slash; None outside the API."""
    if path.startswith("/api/v1/"):
        tail = path[7:]
    elif path.startswith("/api/"):
        tail = path[4:]
    else:
        return None
    return tail.rstrip("/") if tail.endswith("/") else tail


class TierResolver:
    """The tier and quota key of a request before authentication: login-like routes, AI and
    public routes by path; anything else by whether it carries a credential.

    Anonymous quotas are per client address (`quota_address`); credentialed ones per SHA-256 of
    the credential.
    The admin tier needs to know who the caller is, so only an identity-aware resolver uses it.
    """

    def __init__(self, trusted_proxies: str = "") -> None:
        self.client_address = ClientAddress(trusted_proxies)

    def __call__(self, scope: Scope) -> tuple[str, str] | None:
        path: str = scope["path"]
        if path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES):
            return None
        credential = forwarded_for = None
        for name, value in scope["headers"]:
            if name == b"authorization" or name == b"x-api-key":
                credential = credential or value
            elif name == b"x-forwarded-for":
                text = value.decode("latin-1")
                forwarded_for = f"{forwarded_for},{text}" if forwarded_for else text
        tail = _api_path(path)
        if tail is not None:
            if tail in EXEMPT_API_PATHS or tail.startswith(EXEMPT_API_PREFIXES):
                return None
            if tail in LOGIN_API_PATHS or tail.startswith(LOGIN_API_PREFIXES):
                return "login", "ip:" + quota_address(self.client_address(scope, forwarded_for))
            if tail.startswith("/public/"):
                return "public", "ip:" + quota_address(self.client_address(scope, forwarded_for))
            if tail.startswith("/ai/") and not tail.startswith(AI_STAFF_PREFIXES):
                # sign-in is optional there (seed 001)
                if credential is None:
                    return "ai", "ip:" + quota_address(self.client_address(scope, forwarded_for))
                return "ai", credential_key(credential)
        if credential is not None:
            return "authenticated", credential_key(credential)
        return "public", "ip:" + quota_address(self.client_address(scope, forwarded_for))


def credential_key(credential: bytes) -> str:
    """Quotas of credentialed callers are keyed by a hash: no credential is ever stored."""
    return "cred:" + hashlib.sha256(credential).hexdigest()


@dataclass(frozen=True, slots=True)
class RateLimitStatus:
    """What the middleware found for a status request (in `request.state.rate_limit`)."""

    tier: str
    policy: Policy
    state: RateState


class _Tier:
    """A tier's policy with the parts of its headers that never change, made once."""

    __slots__ = ("key_prefix", "limit_header", "policy", "policy_header", "ratelimit_prefix")

    def __init__(self, name: str, policy: Policy) -> None:
        self.policy = policy
        self.key_prefix = name + ":"
        self.limit_header = (b"x-ratelimit-limit", b"%d" % policy.limit)
        self.policy_header = (b"ratelimit-policy", b"%d;w=%d" % (policy.limit, policy.window))
        self.ratelimit_prefix = b"limit=%d, remaining=" % policy.limit

    def headers(self, state: RateState) -> list[tuple[bytes, bytes]]:
        remaining = state.remaining
        ratelimit = self.ratelimit_prefix + b"%d, reset=%d" % (remaining, state.retry_after)
        return [
            self.limit_header,
            (b"x-ratelimit-remaining", b"%d" % remaining),
            (b"x-ratelimit-reset", b"%d" % state.reset_at),
            self.policy_header,
            (b"ratelimit", ratelimit),
        ]


# Answers that must not reveal anyone's quota (API.md).
_NO_HEADERS = frozenset({401, 403})


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: Limiter,
        policies: Mapping[str, Policy],
        resolver: Resolver | None = None,
        override: PolicyOverride | None = None,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.tiers = {name: _Tier(name, policy) for name, policy in policies.items()}
        self.resolver = resolver or TierResolver()
        self.override = override
        self._custom: dict[tuple[str, Policy], _Tier] = {}

    async def _tier(self, scope: Scope, name: str) -> _Tier:
        tier = self.tiers[name]
        if self.override is None:
            return tier
        policy = await self.override(scope, name)
        if policy is None or policy == tier.policy:
            return tier
        custom = self._custom.get((name, policy))
        if custom is None:
            if len(self._custom) >= 1024:
                self._custom.clear()
            custom = self._custom[(name, policy)] = _Tier(name, policy)
        return custom

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        resolved = self.resolver(scope)
        if resolved is None:
            await self.app(scope, receive, send)
            return
        name, key = resolved
        tier = await self._tier(scope, name)
        if scope["path"] in STATUS_PATHS:
            state = await self.limiter.peek(tier.key_prefix + key, tier.policy)
            scope.setdefault("state", {})["rate_limit"] = RateLimitStatus(name, tier.policy, state)
        else:
            state = await self.limiter.hit(tier.key_prefix + key, tier.policy)
            if not state.allowed:
                await _too_many_requests(tier, state)(scope, receive, send)
                return
        headers = tier.headers(state)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] not in _NO_HEADERS:
                message["headers"] = [*message.get("headers", ()), *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _too_many_requests(tier: _Tier, state: RateState) -> ASGIApp:
    wait = state.retry_after
    headers = {name.decode(): value.decode() for name, value in tier.headers(state)}
    headers["Retry-After"] = str(wait)
    return error_response(
        429,
        "rate_limit_exceeded",
        f"Rate limit exceeded. Try again in {wait} second{'' if wait == 1 else 's'}.",
        details={
            "limit": state.limit,
            "reset_at": isoformat_z(state.reset_datetime),
            "retry_after": wait,
        },
        headers=headers,
    )
