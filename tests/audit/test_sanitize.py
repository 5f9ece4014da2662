"""What an audit row keeps of a request body, and the names of requests nothing recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from maitred.audit.service import (
    MAX_BODY,
    RouteFacts,
    describe_route,
    parse_moment,
    summarize_body,
)
from maitred.kit.errors import ValidationFailed

USER_ID = "7f8c3c1e-2a4b-4c5d-9e6f-0a1b2c3d4e5f"


def body(value: object) -> bytes:
    return orjson.dumps(value)


def test_field_names_are_kept_but_personal_values_are_not() -> None:
    sent = {"email": "pat@hibachi.example", "full_name": "Pat Example", "phone": "+15551234567"}

    assert summarize_body(body(sent)) == {"fields": ["email", "full_name", "phone"]}


def test_allow_listed_values_are_kept() -> None:
    sent = {
        "role": "manager",
        "is_active": False,
        "scopes": ["bookings:read", "bookings:write"],
        "guest_count": 12,
        "everywhere": True,
        "email": "pat@hibachi.example",
    }

    assert summarize_body(body(sent)) == {
        "fields": ["role", "is_active", "scopes", "guest_count", "everywhere", "email"],
        "role": "manager",
        "is_active": False,
        "scopes": ["bookings:read", "bookings:write"],
        "guest_count": 12,
        "everywhere": True,
    }


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "current_password",
        "NEW_PASSWORD",
        "refresh_token",
        "client_secret",
        "api_key",
        "code",
        "backup_code",
        "card_number",
        "cvc",
        "otp",
        "Authorization",
    ],
)
def test_secret_looking_fields_are_never_valued(name: str) -> None:
    assert summarize_body(body({name: "hunter2-secret-value"})) == {"fields": [name]}


def test_nested_objects_give_only_their_keys() -> None:
    sent = {"settings": {"identity": {"self_signup": True}, "role": "admin"}, "status": "active"}

    assert summarize_body(body(sent)) == {
        "fields": [
            "settings",
            "settings.identity",
            "settings.identity.self_signup",
            "settings.role",
            "status",
        ],
        "status": "active",
    }


def test_an_allow_listed_field_holding_an_object_is_not_valued() -> None:
    sent = {"status": {"password": "hunter2"}, "scopes": [{"token": "abc"}]}

    assert summarize_body(body(sent)) == {"fields": ["status", "status.password", "scopes"]}


def test_long_values_are_cut() -> None:
    assert summarize_body(body({"timezone": "x" * 500}))["timezone"] == "x" * 200


@pytest.mark.parametrize(
    "raw",
    [
        None,
        b"",
        b"email=pat%40hibachi.example&password=hunter2",
        b"not json {",
        b'["password", "hunter2"]',
        b'"hunter2"',
        body({"role": "admin", "padding": "x" * MAX_BODY}),
    ],
)
def test_anything_but_a_json_object_within_the_limit_says_nothing(raw: bytes | None) -> None:
    assert summarize_body(raw) == {"fields": []}


@pytest.mark.parametrize(
    ("method", "path", "template", "expected"),
    [
        ("POST", "/api/v1/locations", None, RouteFacts("locations.create", "location", "")),
        (
            "PATCH",
            f"/api/v1/locations/{USER_ID}",
            "/api/v1/locations/{location_id}",
            RouteFacts("locations.update", "location", USER_ID),
        ),
        ("DELETE", f"/api/users/{USER_ID}", None, RouteFacts("users.delete", "user", USER_ID)),
        ("POST", "/api/v1/auth/logout", None, RouteFacts("auth.logout", "auth", "")),
        (
            "POST",
            "/api/v1/auth/password-reset/request",
            None,
            RouteFacts("auth.password_reset_request", "auth", ""),
        ),
        ("PATCH", "/api/v1/auth/me", None, RouteFacts("auth.me_update", "auth", "")),
        (
            "POST",
            f"/api/v1/users/{USER_ID}/api-keys",
            None,
            RouteFacts("users.api_keys", "user", USER_ID),
        ),
        (
            "PUT",
            "/api/v1/organizations/hibachi-at-home",
            "/api/v1/organizations/{organization}",
            RouteFacts("organizations.update", "organization", ""),
        ),
        (
            "DELETE",
            f"/api/organizations/hibachi-at-home/members/{USER_ID}",
            "/organizations/{organization}/members/{user_id}",
            RouteFacts("organizations.members_delete", "organization", USER_ID),
        ),
        ("POST", "/api/v1/categories", None, RouteFacts("categories.create", "category", "")),
        ("POST", "/api", None, RouteFacts("api.create", "", "")),
    ],
)
def test_requests_nothing_recorded_are_named_after_their_route(
    method: str, path: str, template: str | None, expected: RouteFacts
) -> None:
    assert describe_route(method, path, template) == expected


def test_dates_and_datetimes_are_read_as_utc() -> None:
    assert parse_moment("2025-10-25", field="date_from") == datetime(2025, 10, 25, tzinfo=UTC)
    assert parse_moment("2025-10-25", field="date_to", end_of_day=True) == datetime(
        2025, 10, 25, 23, 59, 59, 999999, tzinfo=UTC
    )
    assert parse_moment("2025-10-25T10:30:00Z", field="date_from") == datetime(
        2025, 10, 25, 10, 30, tzinfo=UTC
    )
    assert parse_moment("2025-10-25T12:30:00+02:00", field="date_from") == datetime(
        2025, 10, 25, 10, 30, tzinfo=UTC
    )
    assert parse_moment("2025-10-25T10:30:00", field="date_from") == datetime(
        2025, 10, 25, 10, 30, tzinfo=UTC
    )
    assert parse_moment(None, field="date_from") is None


def test_an_unreadable_date_is_a_validation_error() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_moment("last tuesday", field="date_to")

    assert caught.value.details == {
        "date_to": "Use an ISO date (2025-10-25) or datetime (2025-10-25T10:30:00Z)"
    }
