"""Every 4xx and 5xx leaves as one envelope (../shared/API.md, Responses: Errors)."""

from __future__ import annotations

import logging

import httpx
import pytest
from sqlalchemy import func, select

from maitred.kit.db import Database
from maitred.tenancy.models import Organization
from tests.probe_router import ProbeControls, error_of

ORGANIZATIONS = "/api/v1/probe/organizations"


async def count_organizations(database: Database) -> int:
    async with database.transaction(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(Organization)) or 0)


async def test_unknown_route_is_a_404_envelope(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert error_of(response) == {
        "error": "not_found",
        "message": "No route matches GET /api/v1/no-such-thing",
        "details": {},
    }


async def test_wrong_method_is_a_405_envelope_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.post("/health")

    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert error_of(response) == {
        "error": "method_not_allowed",
        "message": "Method POST is not allowed on /health",
        "details": {},
    }


async def test_missing_field_maps_the_field_to_its_message(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    response = await client.post(ORGANIZATIONS, json={"country": "DE"})

    assert response.status_code == 422
    assert error_of(response) == {
        "error": "validation_error",
        "message": "Request validation failed",
        "details": {"name": "Field is required"},
    }
    assert probe.calls == 0
    assert await count_organizations(database) == 0


async def test_every_invalid_field_is_reported(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    response = await client.post(ORGANIZATIONS, json={"name": "", "country": "Germany"})

    assert response.status_code == 422
    assert error_of(response)["details"] == {
        "name": "String should have at least 1 character",
        "country": "String should have at most 2 characters",
    }
    assert await count_organizations(database) == 0


async def test_unknown_body_field_is_rejected_not_ignored(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    response = await client.post(ORGANIZATIONS, json={"name": "Sushi Bar", "contry": "DE"})

    assert response.status_code == 422
    assert error_of(response) == {
        "error": "validation_error",
        "message": "Request validation failed",
        "details": {"contry": "Unknown field"},
    }
    assert probe.calls == 0
    assert await count_organizations(database) == 0


async def test_malformed_json_is_a_422_on_the_body(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    response = await client.post(
        ORGANIZATIONS, content=b'{"name": "Sushi', headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422
    assert error_of(response) == {
        "error": "validation_error",
        "message": "Request validation failed",
        "details": {"body": "Invalid JSON: Unterminated string starting at"},
    }
    assert await count_organizations(database) == 0


async def test_json_that_is_not_an_object_is_a_422_on_the_body(
    client: httpx.AsyncClient, probe: ProbeControls
) -> None:
    response = await client.post(ORGANIZATIONS, json=["Sushi Bar"])

    assert response.status_code == 422
    assert error_of(response)["details"] == {
        "body": "Input should be a valid dictionary or object to extract fields from"
    }


async def test_invalid_query_parameter_is_named_without_its_location(
    client: httpx.AsyncClient, probe: ProbeControls
) -> None:
    response = await client.get(ORGANIZATIONS, params={"page": "first"})

    assert response.status_code == 422
    assert error_of(response)["details"] == {
        "page": "Input should be a valid integer, unable to parse string as an integer"
    }


async def test_not_found_error_renders_its_own_message(
    client: httpx.AsyncClient, probe: ProbeControls
) -> None:
    response = await client.get("/api/v1/probe/errors/not-found")

    assert response.status_code == 404
    assert error_of(response) == {
        "error": "not_found",
        "message": "No such booking",
        "details": {},
    }


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            "already-exists",
            {
                "error": "already_exists",
                "message": "The resource already exists",
                "details": {"email": "Already registered"},
            },
        ),
        (
            "invalid-state",
            {
                "error": "invalid_state",
                "message": "Booking is already cancelled",
                "details": {"status": "cancelled"},
            },
        ),
    ],
)
async def test_conflicts_are_409_with_their_code_and_details(
    client: httpx.AsyncClient, probe: ProbeControls, kind: str, expected: dict[str, object]
) -> None:
    response = await client.get(f"/api/v1/probe/errors/{kind}")

    assert response.status_code == 409
    assert error_of(response) == expected


async def test_unhandled_exception_is_a_500_that_leaks_nothing(
    client: httpx.AsyncClient, probe: ProbeControls, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="maitred.errors"):
        response = await client.get("/api/v1/probe/errors/explode")

    assert response.status_code == 500
    assert error_of(response) == {
        "error": "internal_error",
        "message": "An internal error occurred",
        "details": {},
    }
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text
    assert "Traceback" not in response.text
    logged = [r for r in caplog.records if r.name == "maitred.errors"]
    assert [r.getMessage() for r in logged] == [
        "unhandled error on GET /api/v1/probe/errors/explode"
    ]
    assert logged[0].exc_info is not None


async def test_failed_write_is_rolled_back_before_the_500(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    probe.failures_left = 1

    response = await client.post(ORGANIZATIONS, json={"name": "Sushi Bar"})

    assert response.status_code == 500
    assert error_of(response)["error"] == "internal_error"
    assert "secret-token" not in response.text
    assert "SELECT" not in response.text
    assert await count_organizations(database) == 0


async def test_incoming_request_id_is_echoed_in_header_and_body(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/v1/missing", headers={"X-Request-ID": "req-2025.10:25_a"})

    assert response.headers["x-request-id"] == "req-2025.10:25_a"
    assert response.json()["request_id"] == "req-2025.10:25_a"


async def test_request_id_is_echoed_on_success_too(client: httpx.AsyncClient) -> None:
    response = await client.get("/health", headers={"X-Request-ID": "abc123"})

    assert response.status_code == 200
    assert response.headers["x-request-id"] == "abc123"


@pytest.mark.parametrize(
    "unsafe", ["two words", "x" * 129, "line\rbreak", "<script>", ""], ids=repr
)
async def test_unsafe_request_id_is_replaced_by_a_generated_one(
    client: httpx.AsyncClient, unsafe: str
) -> None:
    response = await client.get("/api/v1/missing", headers={"X-Request-ID": unsafe})

    generated = response.headers["x-request-id"]
    assert generated != unsafe
    assert len(generated) == 32
    assert int(generated, 16) >= 0
    assert response.json()["request_id"] == generated


async def test_each_request_gets_its_own_generated_id(client: httpx.AsyncClient) -> None:
    first = await client.get("/api/v1/missing")
    second = await client.get("/api/v1/missing")

    assert first.headers["x-request-id"] != second.headers["x-request-id"]


@pytest.mark.parametrize("sent", ["CONFIRMED", "Confirmed", "confirmed", " confirmed "])
async def test_enum_input_is_case_insensitive_and_answered_lower_case(
    client: httpx.AsyncClient, probe: ProbeControls, sent: str
) -> None:
    response = await client.post("/api/v1/probe/statuses", json={"status": sent})

    assert response.status_code == 200
    assert response.json() == {"status": "confirmed"}


async def test_enum_query_parameter_is_case_insensitive(
    client: httpx.AsyncClient, probe: ProbeControls
) -> None:
    response = await client.post(
        "/api/v1/probe/statuses", params={"status": "NO_SHOW"}, json={"status": "pending"}
    )

    assert response.status_code == 200
    assert response.json() == {"status": "no_show"}


async def test_unknown_enum_value_lists_the_choices(
    client: httpx.AsyncClient, probe: ProbeControls
) -> None:
    response = await client.post("/api/v1/probe/statuses", json={"status": "CANCELLED"})

    assert response.status_code == 422
    assert error_of(response)["details"] == {
        "status": "Input should be 'pending', 'confirmed' or 'no_show'"
    }
