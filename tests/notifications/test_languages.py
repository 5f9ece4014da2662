"""Customers hear from the business in their own language: their preferred language (set by
staff, or by the public form, which defaults to the request's language), else the
organization's, else English; built-in Spanish wording ships, and an organization's own wording
of a language replaces it for that language only."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from maitred.config import Settings
from maitred.kit.db import Database
from maitred.tenancy.models import Organization
from tests.bookings.given import book_one, given_book, seed_001_form, staff_of
from tests.factories import deliver_everything, signed_in_as
from tests.notifications.given import history

CUSTOMERS = "/api/v1/customers"
TEMPLATES = "/api/v1/notifications/templates"
SPANISH_CONFIRMATION = {
    "channel": "email",
    "language": "es",
    "subject": "¡Listo, {{ customer_name }}! Reserva {{ reference_number }}",
    "body_text": "Le esperamos el {{ event_date }} a las {{ event_time }}.",
}


def spanish_long_date(day: date) -> str:
    weekdays = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]
    months = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ]
    return f"{weekdays[day.weekday()]}, {day.day} de {months[day.month - 1]} de {day.year}"


async def new_customer(
    client: httpx.AsyncClient, headers: dict[str, str], **fields: Any
) -> dict[str, Any]:
    response = await client.post(CUSTOMERS, json=fields, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def confirmation_email(sent: dict[str, Any], to: str) -> dict[str, Any]:
    [found] = [
        m
        for m in sent["items"]
        if m["template"] == "booking_confirmation" and m["channel"] == "email" and m["to"] == to
    ]
    return found


async def test_a_spanish_speaking_customer_gets_the_confirmation_in_spanish(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book = await given_book(database, teams=2)
    staff = await staff_of(client, database, book)
    admin = await signed_in_as(client, database, "admin", book.organization)
    maria = await new_customer(
        client,
        staff.headers,
        name="María López",
        email="maria@example.com",
        phone="+19165550177",
        preferred_language="es-MX",
    )
    jane = await new_customer(client, staff.headers, name="Jane Smith", email="jane@example.com")
    form = seed_001_form(maria["id"], book)

    booking = await book_one(client, staff, form)
    await book_one(client, staff, seed_001_form(jane["id"], book, event_time="17:00"))
    await deliver_everything(database, settings)
    sent = await history(client, admin)

    assert maria["preferred_language"] == "es"
    assert jane["preferred_language"] is None
    email = confirmation_email(sent, "maria@example.com")
    day = date.fromisoformat(form["event_date"])
    assert email["subject"] == f"Su reserva está confirmada ({booking['reference_number']})"
    assert email["body_text"].startswith(
        "Hola, María López:\n\nSu reserva con Hibachi at Home está confirmada.\n"
    )
    assert f"Fecha: {spanish_long_date(day)}, a las 18:00\n" in email["body_text"]
    assert "Invitados: 25\n" in email["body_text"]
    [sms] = [
        m
        for m in sent["items"]
        if m["template"] == "booking_confirmation" and m["to"] == "+19165550177"
    ]
    assert sms["body_text"].startswith("Hibachi at Home: su reserva está confirmada")
    english = confirmation_email(sent, "jane@example.com")
    assert english["subject"].startswith("Your booking is confirmed")
    assert f"Date: {day:%A, %B} {day.day}, {day.year} at 5:00 PM" in english["body_text"]


async def test_a_staff_override_of_the_spanish_template_is_used_for_spanish_readers_only(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book = await given_book(database, teams=2)
    staff = await staff_of(client, database, book)
    admin = await signed_in_as(client, database, "admin", book.organization)
    saved = await client.put(
        f"{TEMPLATES}/booking_confirmation", json=SPANISH_CONFIRMATION, headers=admin.headers
    )
    english_default = await client.get(
        f"{TEMPLATES}/booking_confirmation", params={"language": "en"}, headers=admin.headers
    )
    listed = (await client.get(TEMPLATES, headers=admin.headers)).json()["items"]
    maria = await new_customer(
        client, staff.headers, name="María", email="maria@example.com", preferred_language="es"
    )
    jane = await new_customer(client, staff.headers, name="Jane", email="jane@example.com")
    form = seed_001_form(maria["id"], book)

    booking = await book_one(client, staff, form)
    await book_one(client, staff, seed_001_form(jane["id"], book, event_time="17:00"))
    await deliver_everything(database, settings)
    sent = await history(client, admin)

    assert saved.status_code == 200, saved.text
    assert (saved.json()["language"], saved.json()["customized"]) == ("es", True)
    assert english_default.json()["customized"] is False
    assert [(t["name"], t["channel"], t["language"]) for t in listed if t["customized"]] == [
        ("booking_confirmation", "email", "es")
    ]
    assert len(listed) == 36  # 9 notifications, email and SMS, English and Spanish
    day = date.fromisoformat(form["event_date"])
    own = confirmation_email(sent, "maria@example.com")
    assert own["subject"] == f"¡Listo, María! Reserva {booking['reference_number']}"
    assert own["body_text"] == f"Le esperamos el {spanish_long_date(day)} a las 18:00."
    assert confirmation_email(sent, "jane@example.com")["subject"].startswith(
        "Your booking is confirmed"
    )


async def test_the_built_in_spanish_wording_is_readable_and_previewed(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")

    spanish = await client.get(
        f"{TEMPLATES}/deposit_request",
        params={"channel": "sms", "language": "es"},
        headers=admin.headers,
    )
    preview = await client.post(
        f"{TEMPLATES}/lead_auto_reply/preview",
        json={"language": "es", "channel": "sms", "data": {"response_time": "24 horas"}},
        headers=admin.headers,
    )
    unknown = await client.get(
        f"{TEMPLATES}/deposit_request", params={"language": "fr"}, headers=admin.headers
    )

    assert spanish.status_code == 200
    assert (spanish.json()["language"], spanish.json()["customized"]) == ("es", False)
    assert "queda pendiente un depósito" in spanish.json()["body_text"]
    assert preview.json()["body_text"] == (
        "Hola, Jane Smith: ¡gracias por contactar con Hibachi at Home! Le responderemos en un"
        " plazo de 24 horas."
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"] == "validation_error"


async def test_a_public_booking_sent_in_spanish_is_confirmed_in_spanish(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book = await given_book(database)
    admin = await signed_in_as(client, database, "admin", book.organization)
    form = {
        "name": "Lucía Fernández",
        "phone": "555-987-6543",
        "email": "lucia@example.com",
        "event_date": seed_001_form(None, book)["event_date"],
        "event_time": "18:00",
        "guest_count": 25,
        "event_type": "birthday",
        "location": "Los Angeles, CA",
    }

    answer = await client.post(
        "/api/v1/public/bookings",
        json=form,
        headers={"X-Tenant-ID": str(book.organization.id), "Accept-Language": "es-MX,es;q=0.9"},
    )
    await deliver_everything(database, settings)
    sent = await history(client, admin)
    customer = (await client.get(CUSTOMERS, headers=admin.headers)).json()["items"][0]

    assert answer.status_code == 201, answer.text
    assert answer.headers["content-language"] == "es"
    assert answer.json()["message"] == (
        "Solicitud de reserva recibida. La confirmaremos en un plazo de 48 horas."
    )
    assert customer["preferred_language"] == "es"
    email = confirmation_email(sent, "lucia@example.com")
    assert email["subject"].startswith("Hemos recibido su solicitud de reserva")


async def test_a_lead_in_spanish_gets_its_auto_reply_in_spanish_and_the_form_can_say_english(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await signed_in_as(client, database, "admin")
    assert admin.organization is not None
    tenant = {"X-Tenant-ID": str(admin.organization.id)}

    spanish = await client.post(
        "/api/v1/public/leads",
        json={"name": "Ana Ruiz", "phone": "555-123-4567", "email": "ana@example.com"},
        headers=tenant | {"Accept-Language": "es"},
    )
    english = await client.post(
        "/api/v1/public/leads",
        json={
            "name": "Bob Lee",
            "phone": "555-123-4568",
            "email": "bob@example.com",
            "preferred_language": "en",
        },
        headers=tenant | {"Accept-Language": "es"},
    )
    await deliver_everything(database, settings)
    sent = (await history(client, admin))["items"]

    assert (spanish.status_code, english.status_code) == (201, 201)
    assert spanish.json()["message"] == (
        "¡Gracias! Nos pondremos en contacto con usted en un plazo de 24 horas."
    )
    [to_ana] = [m for m in sent if m["to"] == "ana@example.com"]
    [to_bob] = [m for m in sent if m["to"] == "bob@example.com"]
    assert to_ana["subject"] == f"Gracias por contactar con {admin.organization.name}"
    assert "en un plazo de 24 horas" in to_ana["body_text"]
    assert to_bob["subject"] == f"Thanks for reaching out to {admin.organization.name}"


async def test_without_a_preference_the_organizations_language_is_used(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book = await given_book(database)
    async with database.transaction() as session:
        organization = await session.get(Organization, book.organization.id)
        assert organization is not None
        organization.locale = "es-ES"
    staff = await staff_of(client, database, book)
    admin = await signed_in_as(client, database, "admin", book.organization)
    jane = await new_customer(
        client,
        staff.headers | {"Accept-Language": "en"},
        name="Jane",
        email="jane@example.com",
    )

    await book_one(client, staff, seed_001_form(jane["id"], book))
    await deliver_everything(database, settings)

    assert jane["preferred_language"] is None
    email = confirmation_email(await history(client, admin), "jane@example.com")
    assert email["subject"].startswith("Su reserva está confirmada")


async def test_a_preferred_language_maitred_does_not_speak_is_refused(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, "staff")

    refused = await client.post(
        CUSTOMERS,
        json={"name": "Jean", "email": "jean@example.com", "preferred_language": "fr"},
        headers=staff.headers,
    )
    listed = (await client.get(CUSTOMERS, headers=staff.headers)).json()

    assert refused.status_code == 422
    assert refused.json()["details"] == {"preferred_language": "Use one of: en, es"}
    assert listed["pagination"]["total_items"] == 0


async def test_staff_change_and_clear_a_customers_language(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, "staff")
    jane = await new_customer(client, staff.headers, name="Jane", email="jane@example.com")
    path = f"{CUSTOMERS}/{jane['id']}"

    to_spanish = await client.patch(path, json={"preferred_language": "ES"}, headers=staff.headers)
    kept = await client.patch(path, json={"notes": "VIP"}, headers=staff.headers)
    cleared = await client.put(path, json={"preferred_language": None}, headers=staff.headers)

    assert to_spanish.status_code == 200, to_spanish.text
    assert to_spanish.json()["preferred_language"] == "es"
    assert kept.json()["preferred_language"] == "es"
    assert cleared.json()["preferred_language"] is None
