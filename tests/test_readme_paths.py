"""Every API path the README names is one a newcomer can paste: under `/api/v1` and served."""

from __future__ import annotations

import re
from pathlib import Path

from maitred.app import create_app

README = Path(__file__).parents[1] / "README.md"
# `GET /api/v1/bookings/{id}`, `/api/v1/menu/items`, `PUT /api/v1/messaging/channels/{email|sms}`
PATH = re.compile(r"`(?:(?:GET|POST|PUT|PATCH|DELETE)(?:/\w+)? )?(/api/v1/(?:\{[^}]*\}|[^`\s?{])*)")
# Documentation of a path the README names as text around it, not as a route.
NOT_ROUTES = {"/api/v1/", "/api/v1/crm/…"}


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/") or "/")


def test_every_api_path_in_the_readme_is_served() -> None:
    served = {_shape(path) for path in create_app().openapi()["paths"]}
    named = {match for match in PATH.findall(README.read_text()) if match not in NOT_ROUTES}
    assert len(named) > 40, "the README names fewer paths than it did: is the pattern stale?"
    # `…/{email|sms|whatsapp|telegram}` and `{id or reference}` name one parameter each.
    unknown = sorted(p for p in named if _shape(p.replace("…", "")) not in served)
    assert unknown == [], f"README paths that no route serves: {unknown}"


def test_no_api_path_in_the_readme_lacks_its_prefix() -> None:
    """`GET /bookings` pasted answers 404: the README writes `/api/v1/bookings`."""
    served = {_shape(path) for path in create_app().openapi()["paths"]}
    bare = re.findall(
        r"`(?:GET|POST|PUT|PATCH|DELETE)(?:/\w+)? (/[a-z][^`\s?]*)", README.read_text()
    )
    unprefixed = sorted(
        p
        for p in bare
        if not p.startswith(("/api/", "/health", "/crm/")) and _shape("/api/v1" + p) in served
    )
    assert unprefixed == [], f"paste these with /api/v1 in front: {unprefixed}"
