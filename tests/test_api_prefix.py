"""Every route is served under /api/v1 and /api, and documented once (../shared/API.md, Paths)."""

from __future__ import annotations

import httpx

from maitred.kit.db import Database
from maitred.tenancy import service as tenancy_service
from tests.probe_router import error_of

SUCCESS_WITHOUT_BODY = {"204", "304"}


async def test_unversioned_prefix_serves_the_same_handler(
    client: httpx.AsyncClient, database: Database
) -> None:
    async with database.transaction() as session:
        org = await tenancy_service.create(session, name="Hibachi at Home", timezone="UTC")

    versioned = await client.get(f"/api/v1/public/organizations/{org.slug}")
    unversioned = await client.get(f"/api/public/organizations/{org.slug}")

    assert versioned.status_code == unversioned.status_code == 200
    assert unversioned.json() == versioned.json()
    assert unversioned.json()["id"] == str(org.id)


async def test_unversioned_prefix_answers_errors_the_same_way(client: httpx.AsyncClient) -> None:
    versioned = await client.get("/api/v1/public/organizations/nobody")
    unversioned = await client.get("/api/public/organizations/nobody")

    assert versioned.status_code == unversioned.status_code == 404
    assert error_of(unversioned) == error_of(versioned)


async def test_unknown_version_is_not_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v2/public/organizations/nobody")

    assert response.status_code == 404
    message = error_of(response)["message"]
    assert message == "No route matches GET /api/v2/public/organizations/nobody"


async def test_openapi_lists_each_route_once_under_the_versioned_prefix(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/public/organizations/{id_or_slug}" in paths
    assert "/api/public/organizations/{id_or_slug}" not in paths
    unversioned = [p for p in paths if p.startswith("/api/") and not p.startswith("/api/v1/")]
    assert unversioned == []
    assert {"/health", "/health/db", "/health/workers", "/health/features"} <= set(paths)
    operation_ids = [op["operationId"] for ops in paths.values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))


async def test_every_operation_documents_its_response_and_error_models(
    client: httpx.AsyncClient,
) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]

    undocumented = []
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation["responses"]
            success = [code for code in responses if code.startswith("2")]
            # JSON, or what a provider's callback must be answered with (TwiML, a challenge).
            documented = success and all(
                code in SUCCESS_WITHOUT_BODY
                or any(media.get("schema") for media in responses[code].get("content", {}).values())
                for code in success
            )
            errors = responses.get("422", {}).get("content", {}).get("application/json", {})
            if not documented or errors.get("schema") != {"$ref": "#/components/schemas/ErrorBody"}:
                undocumented.append(f"{method.upper()} {path}")
    assert undocumented == []


async def test_docs_pages_are_served(client: httpx.AsyncClient) -> None:
    docs = await client.get("/docs")
    redoc = await client.get("/redoc")

    assert docs.status_code == 200
    assert "swagger-ui" in docs.text
    assert redoc.status_code == 200
    assert "redoc" in redoc.text


async def test_a_path_without_the_prefix_is_404_naming_the_path_with_it(
    client: httpx.AsyncClient,
) -> None:
    bookings = await client.get("/bookings")
    lead = await client.post(
        "/public/leads", json={"name": "Maria Garcia", "phone": "555-123-4567"}
    )
    unversioned = await client.get("/v1/bookings")

    assert (bookings.status_code, lead.status_code, unversioned.status_code) == (404, 404, 404)
    assert error_of(bookings) == {
        "error": "not_found",
        "message": "No route matches GET /bookings; did you mean GET /api/v1/bookings?",
        "details": {"suggested_path": "/api/v1/bookings"},
    }
    assert error_of(lead) == {
        "error": "not_found",
        "message": "No route matches POST /public/leads; did you mean POST /api/v1/public/leads?",
        "details": {"suggested_path": "/api/v1/public/leads"},
    }
    assert error_of(unversioned)["details"] == {"suggested_path": "/api/v1/bookings"}


async def test_a_path_no_route_has_under_any_prefix_is_a_plain_404(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/no-such-thing")
    inside = await client.get("/api/v1/no-such-thing")

    assert response.status_code == inside.status_code == 404
    assert error_of(response) == {
        "error": "not_found",
        "message": "No route matches GET /no-such-thing",
        "details": {},
    }
    assert error_of(inside)["details"] == {}
