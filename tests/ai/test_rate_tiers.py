"""Only the customer-facing concierge routes share the AI tier (10/min by default); the staff
routes (threads, FAQ, usage, settings) count against a signed-in member's ordinary quota."""

from __future__ import annotations

from maitred.kit.db import Database
from tests.ai.given import given_caterer
from tests.factories import bearer, given_user, sign_in
from tests.identity.test_rate_limits import build_app
from tests.kit.test_ratelimit_middleware import BuildApp, client_of

__all__ = ["build_app"]

LIMITS = {
    "rate_limit_login": "100/minute",
    "rate_limit_ai": "2/minute",
    "rate_limit_authenticated": "5/minute",
    "rate_limit_admin": "6/minute",
}
STAFF_ROUTES = ("/ai/threads", "/ai/faq", "/ai/usage", "/ai/settings")


async def test_staff_routes_use_the_signed_in_tier(build_app: BuildApp, database: Database) -> None:
    app = build_app(**LIMITS)
    caterer = await given_caterer(database)
    admin = await given_user(database, caterer.organization, "admin")
    async with client_of(app) as client:
        headers = bearer(await sign_in(client, admin.email))
        paths = [*STAFF_ROUTES, f"/ai/usage/{caterer.organization.id}"]
        answers = [await client.get(f"/api/v1{path}", headers=headers) for path in paths]
        understood = [
            await client.post("/api/v1/ai/understand", json={"text": "hi"}, headers=headers)
            for _ in range(3)
        ]

    assert [a.status_code for a in answers] == [200] * 5, [a.text for a in answers]
    assert {a.headers["x-ratelimit-limit"] for a in answers} == {"6"}  # the admin tier
    # More staff calls than the AI tier allows went through; the AI route has its own quota.
    assert [u.status_code for u in understood] == [200, 200, 429]
    assert understood[0].headers["x-ratelimit-limit"] == "2"


async def test_the_website_chat_is_in_the_ai_tier(build_app: BuildApp, database: Database) -> None:
    app = build_app(**LIMITS)
    caterer = await given_caterer(database)
    async with client_of(app, ip="203.0.113.9") as client:
        answers = [
            await client.post("/api/v1/ai/chat", json={"message": "hello"}, headers=caterer.headers)
            for _ in range(3)
        ]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].headers["x-ratelimit-limit"] == "2"
    assert answers[2].json()["error"] == "rate_limit_exceeded"
