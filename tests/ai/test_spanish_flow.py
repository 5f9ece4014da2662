"""Done when, in Spanish: a visitor who writes Spanish is answered in Spanish, from the first
sentence to the confirmed pending booking, with the same facts as in English."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from maitred.bookings.models import Booking
from maitred.customers.models import Customer
from maitred.kit.db import Database
from tests.ai.given import LINK, bookings, confirm_token, given_caterer, say


async def test_the_birthday_in_spanish_is_answered_in_spanish(
    client: httpx.AsyncClient, database: Database
) -> None:
    caterer = await given_caterer(database)

    first = await say(
        client, caterer, "somos 12 para el cumpleaños de mi mamá el próximo sábado en Folsom"
    )
    assert first["metadata"]["language"] == "es"
    assert "está libre para 12 invitados en Folsom" in first["response"]
    assert "Horas de inicio: 17:00, 18:00, 19:00" in first["response"]
    assert "$714.45" in first["response"]
    assert "¿Qué hora le viene bien?" in first["response"]
    thread = first["thread_id"]

    second = await say(client, caterer, "a las 6", thread)
    assert "¿cuál es su nombre y un número de teléfono para la reserva?" in second["response"]

    third = await say(client, caterer, "Maria Lopez, 916-555-0177", thread)
    assert third["response"].startswith("Esta es su solicitud: una reserva para 12 invitados")
    assert "Pulse Confirmar" in third["response"]
    assert [a["label"] for a in third["suggested_actions"]] == [
        "Confirmar",
        "Hablar con una persona",
    ]
    assert await bookings(database) == 0

    confirmed = await client.post(
        "/api/v1/ai/confirm",
        json={"thread_id": thread, "confirmation_token": confirm_token(third)},
        headers=caterer.headers,
    )
    assert confirmed.status_code == 200, confirmed.text
    answer = confirmed.json()
    assert answer["result"]["status"] == "pending"
    assert answer["result"]["total_amount"] == 714.45
    assert answer["message"].startswith("Su solicitud de reserva BK-")
    assert "Pague aquí el depósito de USD 100.00" in answer["message"]
    assert LINK.search(answer["message"])
    async with database.transaction(write=False) as session:
        booking = (await session.scalars(select(Booking))).one()
        customer = await session.get(Customer, booking.customer_id)
    # The customer's own messages (confirmation, reminders) will be written in Spanish too.
    assert customer is not None
    assert customer.preferred_language == "es"


async def test_english_stays_english_after_a_short_reply(
    client: httpx.AsyncClient, database: Database
) -> None:
    caterer = await given_caterer(database)
    first = await say(client, caterer, "we're 12 for my mom's birthday next Saturday in Folsom")
    second = await say(client, caterer, "6pm", first["thread_id"])

    assert first["metadata"]["language"] == "en"
    assert second["metadata"]["language"] == "en"
    assert "what's your name and a phone number for the booking?" in second["response"]
