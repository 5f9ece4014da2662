"""POST /public/bookings' plain-ASGI route (bookings/public_fast.py) answers exactly as its
FastAPI route does, and hands that route everything but the plain case.

`?org=` names the business as `X-Tenant-ID` does but always goes to the FastAPI route, so each
pair below is one request through each, compared as a client would see them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select, update

from maitred.audit.models import AuditLog
from maitred.bookings.public_fast import PublicBookingFastPath
from maitred.kit.db import Database
from maitred.tenancy.models import Organization
from tests.bookings.given import (
    Book,
    book_one,
    count_bookings,
    given_book,
    given_customer,
    seed_001_form,
    staff_of,
)
from tests.bookings.test_public_form import FORM, seed_form

PER_REQUEST = {"x-request-id", "x-ratelimit-reset", "ratelimit"}


def fast_path(app: FastAPI) -> PublicBookingFastPath:
    (route,) = (r for r in app.router.routes if isinstance(r, PublicBookingFastPath))
    return route


async def both(
    client: httpx.AsyncClient, app: FastAPI, book: Book, fast: dict[str, Any], slow: dict[str, Any]
) -> tuple[httpx.Response, httpx.Response]:
    """`fast` through the fast path (checked), `slow` through the FastAPI route."""
    route = fast_path(app)
    taken = route.taken
    by_fast = await client.post(FORM, json=fast, headers={"X-Tenant-ID": str(book.organization.id)})
    assert route.taken == taken + 1
    by_fastapi = await client.post(FORM, json=slow, params={"org": str(book.organization.id)})
    assert route.taken == taken + 1
    return by_fast, by_fastapi


def headers_of(answer: httpx.Response) -> list[tuple[str, str]]:
    return [(k, "" if k in PER_REQUEST else v) for k, v in answer.headers.multi_items()]


def without(body: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in names}


def forms() -> Iterator[dict[str, Any]]:
    for n in range(100):
        yield seed_form(
            name=f"Guest {n}", phone=f"(916) 555-{100 + n:04d}", email=f"guest{n}@example.com"
        )


async def test_a_booking_is_answered_recorded_and_audited_alike(
    client: httpx.AsyncClient, app: FastAPI, database: Database
) -> None:
    book = await given_book(database, teams=2)
    people = forms()

    by_fast, by_fastapi = await both(client, app, book, next(people), next(people))

    assert (by_fast.status_code, by_fastapi.status_code) == (201, 201)
    assert headers_of(by_fast) == headers_of(by_fastapi)
    fast, slow = by_fast.json(), by_fastapi.json()
    assert fast["reference_number"] != slow["reference_number"]
    assert without(fast, "booking_id", "reference_number") == without(
        slow, "booking_id", "reference_number"
    )
    # The answer's bytes are FastAPI's: same keys in the same order, numbers written alike.
    assert by_fast.content.replace(fast["booking_id"].encode(), b"").replace(
        fast["reference_number"].encode(), b""
    ) == by_fastapi.content.replace(slow["booking_id"].encode(), b"").replace(
        slow["reference_number"].encode(), b""
    )
    assert await count_bookings(database) == 2
    rows = await audited(database, by_fast)
    assert [action for action, *_ in rows] == ["customer.created", "booking.created"]
    assert rows == await audited(database, by_fastapi)


async def audited(database: Database, answer: httpx.Response) -> list[tuple[Any, ...]]:
    """The audit rows of one request, without what differs between two bookings."""
    async with database.transaction(write=False) as session:
        rows = await session.scalars(
            select(AuditLog)
            .where(AuditLog.request_id == answer.headers["x-request-id"])
            .order_by(AuditLog.created_at)
        )
        return [
            (r.action, r.resource_type, r.method, r.path, r.status_code, sorted(r.changes))
            for r in rows
        ]


async def test_refusals_are_the_same_envelopes(
    client: httpx.AsyncClient, app: FastAPI, database: Database
) -> None:
    book = await given_book(database, teams=1)
    broken = seed_form(name="", phone="12", event_date="2001-01-01", event_time="6pm")

    by_fast, by_fastapi = await both(client, app, book, broken, broken)

    assert (by_fast.status_code, by_fastapi.status_code) == (422, 422)
    assert headers_of(by_fast) == headers_of(by_fastapi)
    assert without(by_fast.json(), "request_id", "timestamp") == without(
        by_fastapi.json(), "request_id", "timestamp"
    )
    assert set(by_fast.json()["details"]) == {"name", "phone", "event_date", "event_time"}
    # A refusal's audit row is named after the route (no service event says what it was).
    refused = await audited(database, by_fast)
    assert [(action, status) for action, _, _, _, status, _ in refused] == [
        ("public.bookings", 422)
    ]
    assert refused == await audited(database, by_fastapi)

    staff = await staff_of(client, database, book)
    await book_one(client, staff, seed_001_form(await given_customer(database, book), book))
    by_fast, by_fastapi = await both(client, app, book, seed_form(), seed_form())

    assert (by_fast.status_code, by_fastapi.status_code) == (409, 409)
    assert headers_of(by_fast) == headers_of(by_fastapi)
    assert without(by_fast.json(), "request_id", "timestamp") == without(
        by_fastapi.json(), "request_id", "timestamp"
    )
    assert await count_bookings(database) == 1


async def test_an_unknown_business_is_the_same_404(
    client: httpx.AsyncClient, app: FastAPI, database: Database
) -> None:
    route = fast_path(app)
    taken = route.taken

    by_fast = await client.post(FORM, json=seed_form(), headers={"X-Tenant-ID": "no-such-place"})
    by_fastapi = await client.post(FORM, json=seed_form(), params={"org": "no-such-place"})

    assert route.taken == taken + 1
    assert (by_fast.status_code, by_fastapi.status_code) == (404, 404)
    assert headers_of(by_fast) == headers_of(by_fastapi)
    assert without(by_fast.json(), "request_id", "timestamp") == without(
        by_fastapi.json(), "request_id", "timestamp"
    )


async def test_anything_but_the_plain_case_goes_to_the_fastapi_route(
    client: httpx.AsyncClient, app: FastAPI, database: Database
) -> None:
    book = await given_book(database)
    tenant = {"X-Tenant-ID": str(book.organization.id)}
    route = fast_path(app)
    taken = route.taken

    not_a_number = await client.post(FORM, json=seed_form(guest_count="many"), headers=tenant)
    unknown_field = await client.post(FORM, json=seed_form(guests=4), headers=tenant)
    a_list = await client.post(FORM, json=[seed_form()], headers=tenant)
    not_json = await client.post(
        FORM, content=b"{name", headers={**tenant, "Content-Type": "application/json"}
    )
    as_text = await client.post(
        FORM, content=b"name=x", headers={**tenant, "Content-Type": "text/plain"}
    )
    unknown_query = await client.post(FORM, json=seed_form(), headers=tenant, params={"x": "1"})

    assert route.taken == taken
    refused = (not_a_number, unknown_field, a_list, not_json, as_text)
    assert [answer.status_code for answer in refused] == [422] * 5
    assert set(not_a_number.json()["details"]) == {"guest_count"}
    assert unknown_field.json()["details"] == {"guests": "Unknown field"}
    assert unknown_query.status_code == 422
    assert "x" in unknown_query.json()["details"]
    assert await count_bookings(database) == 0


async def test_a_replayed_request_is_answered_from_its_record(
    client: httpx.AsyncClient, app: FastAPI, database: Database
) -> None:
    book = await given_book(database)
    headers = {"X-Tenant-ID": str(book.organization.id), "Idempotency-Key": "form-1"}
    route = fast_path(app)
    taken = route.taken

    first = await client.post(FORM, json=seed_form(), headers=headers)
    again = await client.post(FORM, json=seed_form(), headers=headers)

    assert route.taken == taken + 1  # the replay never reached the route
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    assert await count_bookings(database) == 1


async def test_a_caught_bot_gets_the_same_look_alike_answer(
    client: httpx.AsyncClient, app: FastAPI, database: Database
) -> None:
    book = await given_book(database)
    bot = seed_form(honeypot="https://spam.example")

    by_fast, by_fastapi = await both(client, app, book, bot, bot)

    assert (by_fast.status_code, by_fastapi.status_code) == (201, 201)
    assert headers_of(by_fast) == headers_of(by_fastapi)
    ids = ("booking_id", "reference_number")
    assert without(by_fast.json(), *ids) == without(by_fastapi.json(), *ids)
    assert by_fast.json()["estimated_cost"] == 0.0
    assert await count_bookings(database) == 0


async def test_the_organization_kept_between_requests_is_never_stale(
    client: httpx.AsyncClient, app: FastAPI, database: Database
) -> None:
    """The public routes keep an organization between requests (tenancy/kept.py `find_kept`)
    only while its stored version is unchanged: a change written by anyone (here a plain UPDATE,
    as another process would write it) is seen by the next request."""
    book = await given_book(database, teams=3)
    slug = {"X-Tenant-ID": book.organization.slug}
    people = forms()
    assert (await client.post(FORM, json=next(people), headers=slug)).status_code == 201

    await set_organization(database, book, is_active=False)
    refused = await client.post(FORM, json=next(people), headers=slug)
    assert refused.status_code == 404, refused.text

    await set_organization(database, book, is_active=True, currency="EUR")
    again = await client.post(FORM, json=next(people), headers=slug)
    assert again.status_code == 201, again.text
    assert again.json()["currency"] == "EUR"

    await set_organization(database, book, slug="renamed")
    assert (await client.post(FORM, json=next(people), headers=slug)).status_code == 404
    renamed = await client.post(FORM, json=next(people), headers={"X-Tenant-ID": "renamed"})
    assert renamed.status_code == 201, renamed.text
    assert await count_bookings(database) == 3


async def set_organization(database: Database, book: Book, **values: Any) -> None:
    async with database.transaction() as session:
        await session.execute(
            update(Organization).where(Organization.id == book.organization.id).values(**values)
        )
