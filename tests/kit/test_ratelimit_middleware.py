"""The rate limit middleware (../shared/API.md, Responses): tiers, keys, headers and the 429."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from sqlalchemy import func, select

from maitred.app import create_app
from maitred.config import ConfigError
from maitred.kit.db import Database
from maitred.kit.errors import Forbidden, Unauthorized
from maitred.kit.ratelimit import RedisLimiter
from maitred.kit.ratelimit_middleware import ClientAddress, TierResolver
from maitred.tenancy.models import Organization
from tests.conftest import make_settings
from tests.kit.test_ratelimit import REDIS_URL, WINDOW_START, FakeClock, delete_keys, needs_redis
from tests.probe_router import ProbeControls, error_of, install_probe

ORGANIZATIONS = "/api/v1/probe/organizations"


BuildApp = Callable[..., FastAPI]


@pytest.fixture
async def build_app(
    data_dir: Path, database_url: str, database: Database, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[BuildApp]:
    """Apps with rate limiting on, the given settings, and the probe routes."""
    apps: list[FastAPI] = []

    def build(clock: FakeClock | None = None, **overrides: object) -> FastAPI:
        overrides.setdefault("rate_limit_enabled", True)
        app = create_app(make_settings(data_dir, database_url, **overrides))
        install_probe(app)
        app.include_router(guarded_router, prefix="/api/v1")
        if clock is not None:
            clock.install(monkeypatch)
        apps.append(app)
        return app

    yield build
    for app in apps:
        if getattr(app.state, "rate_limiter", None) is not None:
            await app.state.rate_limiter.aclose()
        await app.state.database.dispose()


def client_of(
    app: FastAPI, ip: str = "127.0.0.1", headers: dict[str, str] | None = None
) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers)


guarded_router = APIRouter(prefix="/guarded")


@guarded_router.get("/unauthorized")
async def always_unauthorized() -> None:
    raise Unauthorized


@guarded_router.get("/forbidden")
async def always_forbidden() -> None:
    raise Forbidden


def rate_headers(response: httpx.Response) -> dict[str, str]:
    names = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")
    names += ("ratelimit-policy", "ratelimit", "retry-after")
    return {name: response.headers[name] for name in names if name in response.headers}


async def organization_count(database: Database) -> int:
    async with database.transaction(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(Organization)) or 0)


# Start-up


def test_a_malformed_tier_fails_at_start_naming_its_variable(
    data_dir: Path, database_url: str
) -> None:
    settings = make_settings(data_dir, database_url, rate_limit_login="5 per minute")

    with pytest.raises(ConfigError) as caught:
        create_app(settings)

    assert str(caught.value) == (
        "configuration error: MAITRED_RATE_LIMIT_LOGIN: '5 per minute' is not a rate; "
        "use N/second, N/minute, N/hour or N/day with N >= 1"
    )


def test_a_malformed_trusted_proxy_fails_at_start(data_dir: Path, database_url: str) -> None:
    settings = make_settings(data_dir, database_url, trusted_proxies="10.0.0.0/8, proxy.local")

    with pytest.raises(ConfigError) as caught:
        create_app(settings)

    assert str(caught.value) == (
        "configuration error: MAITRED_TRUSTED_PROXIES: 'proxy.local' is not an IP address "
        "or CIDR block"
    )


def test_a_redis_url_that_is_not_one_fails_at_start(data_dir: Path, database_url: str) -> None:
    settings = make_settings(
        data_dir, database_url, rate_limit_enabled=True, redis_url="http://cache:6379"
    )

    with pytest.raises(ConfigError) as caught:
        create_app(settings)

    assert str(caught.value) == (
        "configuration error: MAITRED_REDIS_URL: Redis URL must specify one of the following "
        "schemes (redis://, rediss://, unix://)"
    )


# Responses


async def test_a_counted_response_carries_the_quota_headers(build_app: BuildApp) -> None:
    app = build_app(FakeClock(WINDOW_START + 30.0))
    async with client_of(app) as client:
        await client.get(ORGANIZATIONS)
        response = await client.get(ORGANIZATIONS)

    assert response.status_code == 200
    assert rate_headers(response) == {
        "x-ratelimit-limit": "20",
        "x-ratelimit-remaining": "18",
        "x-ratelimit-reset": str(WINDOW_START + 91),  # the first request leaves the window
        "ratelimit-policy": "20;w=60",
        "ratelimit": "limit=20, remaining=18, reset=60",
    }


async def test_the_request_over_the_limit_is_429_and_never_reaches_the_handler(
    build_app: BuildApp, database: Database
) -> None:
    clock = FakeClock()
    app = build_app(clock, rate_limit_public="3/minute")
    allowed = []
    async with client_of(app) as client:
        for n in range(3):
            clock.now = WINDOW_START + 10.0 * (n + 1)
            allowed.append(await client.post(ORGANIZATIONS, json={"name": f"Bar {n}"}))
        clock.now = WINDOW_START + 45.5
        denied = await client.post(ORGANIZATIONS, json={"name": "One too many"})

    assert [r.status_code for r in allowed] == [201, 201, 201]
    assert denied.status_code == 429
    # The first request (at +10) leaves the window just after +70, 24.5 s later: in whole
    # seconds, 25 from now, and the epoch second after +70.
    assert error_of(denied) == {
        "error": "rate_limit_exceeded",
        "message": "Rate limit exceeded. Try again in 25 seconds.",
        "details": {"limit": 3, "reset_at": "2024-10-27T03:34:11Z", "retry_after": 25},
    }
    assert rate_headers(denied) == {
        "x-ratelimit-limit": "3",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": str(WINDOW_START + 71),
        "ratelimit-policy": "3;w=60",
        "ratelimit": "limit=3, remaining=0, reset=25",
        "retry-after": "25",
    }
    probe: ProbeControls = app.state.probe
    assert probe.calls == 3
    assert await organization_count(database) == 3


async def test_the_quota_returns_as_requests_leave_the_window(build_app: BuildApp) -> None:
    """No burst across a window boundary: 2 at :59 leave nothing for :00 (fixed windows did)."""
    clock = FakeClock(WINDOW_START + 59.0)
    app = build_app(clock, rate_limit_public="2/minute")
    async with client_of(app) as client:
        before = [(await client.get(ORGANIZATIONS)).status_code for _ in range(3)]
        clock.now = WINDOW_START + 60.0
        across = await client.get(ORGANIZATIONS)
        clock.now = WINDOW_START + 59.0 + int(across.headers["retry-after"]) - 1
        early = await client.get(ORGANIZATIONS)
        clock.now = WINDOW_START + 60.0 + int(across.headers["retry-after"])
        after = await client.get(ORGANIZATIONS)

    assert before == [200, 200, 429]
    assert across.status_code == 429
    assert across.headers["retry-after"] == "59"
    assert early.status_code == 429
    assert after.status_code == 200
    assert after.headers["x-ratelimit-remaining"] == "1"
    assert after.headers["x-ratelimit-reset"] == str(WINDOW_START + 180)
    assert after.headers["ratelimit"] == "limit=2, remaining=1, reset=60"


@pytest.mark.parametrize("path", ["/health", "/health/features", "/openapi.json", "/docs"])
async def test_health_and_docs_are_never_limited(build_app: BuildApp, path: str) -> None:
    app = build_app(FakeClock(), rate_limit_public="1/minute")
    async with client_of(app) as client:
        responses = [await client.get(path) for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [rate_headers(r) for r in responses] == [{}, {}, {}]
    assert app.state.rate_limiter.key_count == 0


async def test_switched_off_there_are_no_headers_and_no_counting(build_app: BuildApp) -> None:
    app = build_app(rate_limit_enabled=False, rate_limit_public="1/minute")
    async with client_of(app) as client:
        responses = [await client.get(ORGANIZATIONS) for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [rate_headers(r) for r in responses] == [{}, {}, {}]
    assert not hasattr(app.state, "rate_limiter")


async def test_unauthorized_and_forbidden_answers_reveal_no_quota(build_app: BuildApp) -> None:
    app = build_app(FakeClock())
    async with client_of(app, headers={"Authorization": "Bearer stolen"}) as client:
        unauthorized = await client.get("/api/v1/guarded/unauthorized")
        forbidden = await client.get("/api/v1/guarded/forbidden")
        after = await client.get(ORGANIZATIONS)

    assert (unauthorized.status_code, forbidden.status_code) == (401, 403)
    assert rate_headers(unauthorized) == rate_headers(forbidden) == {}
    assert error_of(unauthorized)["error"] == "unauthorized"
    assert after.headers["x-ratelimit-remaining"] == "57"  # they were counted all the same


# Tiers and keys


async def test_login_routes_have_their_own_stricter_quota(build_app: BuildApp) -> None:
    app = build_app(FakeClock())
    async with client_of(app) as client:
        logins = [
            await client.post("/api/v1/auth/login", json={"email": "a@example.com"})
            for _ in range(6)
        ]
        reset = await client.post("/api/auth/password-reset/request", json={})
        public = await client.get(ORGANIZATIONS)

    assert [r.status_code == 429 for r in logins] == [False] * 5 + [True]
    assert logins[0].headers["ratelimit-policy"] == "5;w=60"
    assert reset.status_code == 429  # the unversioned prefix shares the login quota
    assert public.headers["x-ratelimit-limit"] == "20"
    assert public.headers["x-ratelimit-remaining"] == "19"


@pytest.mark.parametrize(
    ("path", "headers", "tier"),
    [
        ("/api/v1/auth/login", {}, ("login", "ip:203.0.113.9")),
        ("/api/auth/refresh/", {}, ("login", "ip:203.0.113.9")),
        ("/api/v1/auth/mfa/verify", {"Authorization": "Bearer t"}, ("login", "ip:203.0.113.9")),
        ("/api/v1/facilitators/login", {}, ("login", "ip:203.0.113.9")),
        ("/api/v1/auth/google-login", {}, ("login", "ip:203.0.113.9")),
        ("/api/v1/public/organizations/x", {"X-API-Key": "k"}, ("public", "ip:203.0.113.9")),
        ("/api/v1/ai/chat", {}, ("ai", "ip:203.0.113.9")),
        ("/api/ai/chat", {"X-API-Key": "k"}, ("ai", "cred:" + hashlib.sha256(b"k").hexdigest())),
        (
            "/api/v1/bookings",
            {"Authorization": "Bearer t"},
            ("authenticated", "cred:" + hashlib.sha256(b"Bearer t").hexdigest()),
        ),
        ("/api/v1/bookings", {}, ("public", "ip:203.0.113.9")),
        ("/api/v1/auth/me", {}, ("public", "ip:203.0.113.9")),
        ("/", {}, ("public", "ip:203.0.113.9")),
        ("/health", {"Authorization": "Bearer t"}, None),
        ("/health/db", {}, None),
        ("/redoc", {}, None),
        ("/docs/assets/swagger-ui-bundle.js", {}, None),
        ("/docs/assets", {}, ("public", "ip:203.0.113.9")),
        ("/api/v1/webhooks/stripe", {}, None),
        ("/api/webhooks/twilio", {}, None),
        ("/api/v1/webhooks/whatsapp", {}, None),
        (
            "/api/v1/webhooks/subscriptions",
            {"Authorization": "Bearer t"},
            ("authenticated", "cred:" + hashlib.sha256(b"Bearer t").hexdigest()),
        ),
        ("/api/stripe/webhook", {}, None),
        # Seed 002's CRM service API under its base URL /crm is the API too.
        (
            "/crm/api/notify",
            {"Authorization": "Bearer mk_t"},
            ("authenticated", "cred:" + hashlib.sha256(b"Bearer mk_t").hexdigest()),
        ),
        ("/crm/api/health", {}, ("public", "ip:203.0.113.9")),
    ],
)
def test_the_default_resolver_picks_tier_and_key(
    path: str, headers: dict[str, str], tier: tuple[str, str] | None
) -> None:
    scope = {
        "type": "http",
        "path": path,
        "client": ("203.0.113.9", 1234),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }

    assert TierResolver()(scope) == tier


@pytest.mark.parametrize(
    ("peer", "key"),
    [
        ("2001:db8:1:2:aaaa::1", "ip:2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:1:2:3", "ip:2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "ip:2001:db8:1:3::/64"),
        ("192.0.2.7", "ip:192.0.2.7"),
    ],
)
def test_an_ipv6_caller_has_one_quota_for_its_64(peer: str, key: str) -> None:
    """A subscriber gets a /64 and may send from any of its addresses."""
    scope = {"type": "http", "path": "/api/v1/public/x", "client": (peer, 1), "headers": []}

    assert TierResolver()(scope) == ("public", key)


async def test_each_address_and_each_credential_has_its_own_quota(build_app: BuildApp) -> None:
    app = build_app(FakeClock(), rate_limit_public="1/minute", rate_limit_authenticated="1/minute")
    statuses = []
    for ip, headers in [
        ("192.0.2.1", {}),
        ("192.0.2.2", {}),
        ("192.0.2.1", {}),
        ("192.0.2.1", {"Authorization": "Bearer one"}),
        ("192.0.2.2", {"Authorization": "Bearer two"}),
        ("192.0.2.3", {"Authorization": "Bearer one"}),
    ]:
        async with client_of(app, ip, headers) as client:
            statuses.append((await client.get("/api/v1/probe/errors/not-found")).status_code)

    assert statuses == [404, 404, 429, 404, 404, 429]


async def test_credentials_are_kept_only_as_hashes(build_app: BuildApp) -> None:
    app = build_app(FakeClock())
    async with client_of(app, headers={"X-API-Key": "mk_live_secret"}) as client:
        await client.get(ORGANIZATIONS)

    keys = list(app.state.rate_limiter.memory.events)
    digest = hashlib.sha256(b"mk_live_secret").hexdigest()
    assert len(keys) == 1
    assert f"/authenticated:cred:{digest}/" in keys[0]
    assert "secret" not in keys[0]


async def test_forwarded_for_is_believed_only_from_a_trusted_proxy(build_app: BuildApp) -> None:
    app = build_app(FakeClock(), rate_limit_public="1/minute", trusted_proxies="10.0.0.0/8")

    async def status(peer: str, forwarded_for: str) -> int:
        async with client_of(app, peer, {"X-Forwarded-For": forwarded_for}) as client:
            return (await client.get(ORGANIZATIONS)).status_code

    via_proxy = [
        await status("10.0.0.5", "198.51.100.1"),
        await status("10.0.0.6", "198.51.100.2"),
        await status("10.0.0.5", "198.51.100.1"),
        await status("10.0.0.5", "1.2.3.4, 198.51.100.2, 10.0.0.7"),
    ]
    spoofing = [await status("192.0.2.50", "198.51.100.3"), await status("192.0.2.50", "1.1.1.1")]

    assert via_proxy == [200, 200, 429, 429]
    assert spoofing == [200, 429]


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "address"),
    [
        ("10.0.0.5", "203.0.113.7", "203.0.113.7"),
        ("10.0.0.5", "6.6.6.6, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        ("10.0.0.5", "10.0.0.9, 10.0.0.8", "10.0.0.9"),
        ("10.0.0.5", "not-an-ip, 10.0.0.8", "10.0.0.8"),
        ("10.0.0.5", None, "10.0.0.5"),
        ("203.0.113.1", "6.6.6.6", "203.0.113.1"),
        ("2001:db8::1", "6.6.6.6", "6.6.6.6"),
    ],
)
def test_client_address_is_the_rightmost_untrusted_hop(
    peer: str, forwarded_for: str | None, address: str
) -> None:
    resolve = ClientAddress("10.0.0.0/8, 2001:db8::/32")

    assert resolve({"client": (peer, 1)}, forwarded_for) == address


# Shared quotas


@needs_redis
async def test_two_servers_sharing_redis_share_one_quota(build_app: BuildApp) -> None:
    clock = FakeClock()
    first, second = (
        build_app(clock, redis_url=REDIS_URL, rate_limit_public="3/minute") for _ in range(2)
    )
    prefix = f"maitred:rl:test-{uuid.uuid4().hex}:"  # this test's keys only
    for app in (first, second):
        assert isinstance(app.state.rate_limiter, RedisLimiter)
        app.state.rate_limiter.prefix = prefix
    statuses = []
    try:
        for app in (first, second, first, second):
            async with client_of(app) as client:
                statuses.append((await client.get(ORGANIZATIONS)).status_code)
    finally:
        await delete_keys(prefix)

    assert statuses == [200, 200, 200, 429]


async def test_unreachable_redis_lets_requests_through_and_warns_once(
    build_app: BuildApp, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    app = build_app(clock, redis_url="redis://127.0.0.1:1/0", rate_limit_public="1/minute")
    with caplog.at_level(logging.WARNING, logger="maitred.ratelimit"):
        async with client_of(app) as client:
            responses = [await client.get(ORGANIZATIONS)]
            clock.now += 5  # past the pause after a failure: Redis is asked again
            responses += [await client.get(ORGANIZATIONS) for _ in range(2)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert responses[0].headers["x-ratelimit-remaining"] == "0"
    warnings = [r.getMessage() for r in caplog.records if r.name == "maitred.ratelimit"]
    assert len(warnings) == 1
    assert warnings[0].startswith("rate limits not enforced: Redis unavailable")
