"""Errors speak the request's language (Accept-Language, else the organization's locale, else
English) and say which in Content-Language; their machine-readable codes never change."""

from __future__ import annotations

import uuid

import httpx
import pytest

from maitred.kit import i18n
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.locale import extract
from maitred.tenancy.models import Organization
from tests.factories import signed_in_as
from tests.probe_router import error_of

CUSTOMERS = "/api/v1/customers"
SPANISH = {"Accept-Language": "es"}


async def count_customers(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    response = await client.get(CUSTOMERS, headers=headers)
    assert response.status_code == 200, response.text
    return int(response.json()["pagination"]["total_items"])


async def test_a_404_in_spanish_keeps_its_code(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    path = f"{CUSTOMERS}/{uuid.uuid4()}"

    english = await client.get(path, headers=staff.headers)
    spanish = await client.get(path, headers=staff.headers | SPANISH)

    assert english.status_code == spanish.status_code == 404
    assert error_of(english) == {"error": "not_found", "message": "No such customer", "details": {}}
    assert error_of(spanish) == {
        "error": "not_found",
        "message": "No existe ese cliente",
        "details": {},
    }
    assert (english.headers["content-language"], spanish.headers["content-language"]) == (
        "en",
        "es",
    )
    assert "Accept-Language" in spanish.headers["vary"]


async def test_a_409_in_spanish_keeps_its_code_and_field_and_changes_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    first = await client.post(
        CUSTOMERS, json={"name": "Alice", "email": "alice@example.com"}, headers=staff.headers
    )
    assert first.status_code == 201, first.text

    again = await client.post(
        CUSTOMERS,
        json={"name": "Alicia", "email": "ALICE@example.com"},
        headers=staff.headers | SPANISH,
    )

    assert again.status_code == 409
    assert error_of(again) == {
        "error": "already_exists",
        "message": "Ya existe un cliente con este email",
        "details": {"email": "Otro cliente tiene este email"},
    }
    assert await count_customers(client, staff.headers) == 1


async def test_a_422_in_spanish_keeps_fields_and_codes(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)

    response = await client.post(
        CUSTOMERS,
        json={"name": "", "email": "alice@example.com", "favourite": "x", "notes": 5},
        headers=staff.headers | {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"},
    )

    assert response.status_code == 422
    assert response.headers["content-language"] == "es"
    assert error_of(response) == {
        "error": "validation_error",
        "message": "La validación de la solicitud falló",
        "details": {
            "name": "El texto debe tener una longitud mínima de 1",
            "favourite": "Campo desconocido",
            "notes": "El valor debe ser un texto válido",
        },
    }
    assert await count_customers(client, staff.headers) == 0


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("es-MX,es;q=0.9", "es"),
        ("es-ES", "es"),
        ("fr", "en"),  # nothing maitred speaks: the organization's locale (en-US), then English
        ("fr-CA, fr;q=0.9, es;q=0.4", "es"),
        ("es;q=0.2, en;q=0.8", "en"),
        ("es;q=0, en", "en"),
        ("", "en"),
        ("*", "en"),
        ("es;q=nonsense, en-GB", "en"),
    ],
)
async def test_accept_language_is_negotiated_by_weight(
    client: httpx.AsyncClient, database: Database, accept_language: str, expected: str
) -> None:
    staff = await signed_in_as(client, database, Role.staff)

    response = await client.get(
        f"{CUSTOMERS}/{uuid.uuid4()}",
        headers=staff.headers | {"Accept-Language": accept_language},
    )

    assert response.status_code == 404
    assert response.headers["content-language"] == expected
    assert error_of(response)["message"] == (
        "No existe ese cliente" if expected == "es" else "No such customer"
    )


async def test_without_a_language_it_speaks_the_organization_falls_back_to_its_locale(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    assert staff.organization is not None
    async with database.transaction() as session:
        organization = await session.get(Organization, staff.organization.id)
        assert organization is not None
        organization.locale = "es-MX"

    for header in ({}, {"Accept-Language": "fr"}):
        answer = await client.get(f"{CUSTOMERS}/{uuid.uuid4()}", headers=staff.headers | header)
        assert answer.status_code == 404
        assert answer.headers["content-language"] == "es"
        assert error_of(answer)["message"] == "No existe ese cliente"
    english = await client.get(
        f"{CUSTOMERS}/{uuid.uuid4()}", headers=staff.headers | {"Accept-Language": "en"}
    )
    assert english.headers["content-language"] == "en"
    assert error_of(english)["message"] == "No such customer"


async def test_a_public_form_speaks_its_business_locale(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    assert staff.organization is not None
    async with database.transaction() as session:
        organization = await session.get(Organization, staff.organization.id)
        assert organization is not None
        organization.locale = "es-ES"

    response = await client.post(
        "/api/v1/public/leads",
        json={"name": "Ana", "email": "not-an-email", "message": "Hola"},
        headers={"X-Tenant-ID": str(staff.organization.id)},
    )

    assert response.status_code == 422
    assert response.headers["content-language"] == "es"
    assert error_of(response)["message"] == "La validación de la solicitud falló"


async def test_an_unknown_route_is_answered_in_spanish_with_its_hint(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/bookings", headers=SPANISH)

    assert response.status_code == 404
    assert error_of(response) == {
        "error": "not_found",
        "message": "Ninguna ruta corresponde a GET /bookings; ¿quería decir GET /api/v1/bookings?",
        "details": {"suggested_path": "/api/v1/bookings"},
    }


def test_every_message_of_the_code_has_a_spanish_translation() -> None:
    """What `python -m maitred.locale.extract` finds (every error class's message, the texts
    raised with errors and their details, pydantic's messages) is in the Spanish catalog."""
    catalog = i18n.catalog("es")

    missing = [
        text
        for text in extract.messages()
        if text not in catalog.exact
        and not any(pattern.fullmatch(text) for pattern, _ in catalog.patterns)
    ]

    assert missing == []


async def test_a_public_forms_reasons_are_translated_with_the_values_they_carry(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    assert staff.organization is not None

    response = await client.post(
        "/api/v1/public/leads",
        json={"name": "", "phone": "12345", "email": "nope", "message": "Hola"},
        headers={"X-Tenant-ID": str(staff.organization.id), "Accept-Language": "es"},
    )
    leads = await client.get("/api/v1/leads", headers=staff.headers)

    assert response.status_code == 422
    assert error_of(response)["details"] == {
        "name": "El campo es obligatorio y no puede estar vacío",
        "phone": "Formato de número de teléfono no válido (demasiado corto: 5 dígitos tras +1, "
        "donde los números tienen 10)",
        "email": "Formato de correo no válido",
    }
    assert leads.json()["pagination"]["total_items"] == 0
