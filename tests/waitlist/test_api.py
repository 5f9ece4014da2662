"""The waitlist through HTTP: adding (seed 000), listing first come first served, changing and
cancelling entries."""

from __future__ import annotations

import httpx

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.factories import signed_in_as
from tests.probe_router import error_of
from tests.waitlist.book import WAITLIST, add_entry, customer, days_ahead, given_book, seed_entry


async def test_seed_000s_entry_is_added_with_its_customer(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_book(client, database)

    response = await client.post(WAITLIST, json=seed_entry(), headers=admin.headers)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["customer"] == {
        "id": body["customer_id"],
        "name": "Bob Wilson",
        "email": "bob@example.com",
        "phone": "+19164445566",
    }
    assert body["preferred_date"] == days_ahead(30).isoformat()
    assert body["preferred_time"] == "18:00:00"
    assert body["guest_count"] == 4
    assert body["location"] == "Sacramento, CA"
    assert body["location_details"] == {"city": "Sacramento", "state": "CA"}
    assert body["notes"] == ""
    assert body["status"] == "waiting"
    assert body["offered_at"] is None
    assert body["offer_expires_at"] is None
    assert body["booking_id"] is None
    fetched = await client.get(f"{WAITLIST}/{body['id']}", headers=admin.headers)
    assert fetched.status_code == 200
    assert fetched.json() == body


async def test_the_same_person_is_one_customer(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_book(client, database)
    first = await add_entry(client, admin)

    again = await add_entry(
        client,
        admin,
        customer={"name": "Bob Wilson", "email": "BOB@example.com"},
        preferred_date=days_ahead(31).isoformat(),
    )
    by_id = await add_entry(
        client, admin, customer=None, customer_id=first["customer_id"], location="Folsom, CA"
    )

    assert again["customer_id"] == first["customer_id"]
    assert by_id["customer_id"] == first["customer_id"]
    assert by_id["customer"]["name"] == "Bob Wilson"
    assert by_id["location"] == "Folsom, CA"
    assert by_id["location_details"] == {}


async def test_bad_entries_are_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_book(client, database)
    other = await given_book(client, database)
    stranger = await add_entry(client, other)

    answers = {
        "both": await client.post(
            WAITLIST,
            json=seed_entry(customer_id=stranger["customer_id"]),
            headers=admin.headers,
        ),
        "none": await client.post(WAITLIST, json=seed_entry(customer=None), headers=admin.headers),
        "zero": await client.post(WAITLIST, json=seed_entry(guest_count=0), headers=admin.headers),
        "huge": await client.post(
            WAITLIST, json=seed_entry(guest_count=501), headers=admin.headers
        ),
        "time": await client.post(
            WAITLIST, json=seed_entry(preferred_time="25:00"), headers=admin.headers
        ),
        "typo": await client.post(WAITLIST, json=seed_entry(gests=4), headers=admin.headers),
        "phone": await client.post(
            WAITLIST,
            json=seed_entry(customer={"name": "Ann", "phone": "12"}),
            headers=admin.headers,
        ),
        "foreign": await client.post(
            WAITLIST,
            json=seed_entry(customer=None, customer_id=stranger["customer_id"]),
            headers=admin.headers,
        ),
    }

    assert {k: r.status_code for k, r in answers.items()} == {
        "both": 422,
        "none": 422,
        "zero": 422,
        "huge": 422,
        "time": 422,
        "typo": 422,
        "phone": 422,
        "foreign": 404,
    }
    assert error_of(answers["both"])["details"] == {"body": "Give either customer or customer_id"}
    assert error_of(answers["typo"])["details"] == {"gests": "Unknown field"}
    assert error_of(answers["phone"])["details"] == {
        "customer.phone": (
            "Not a valid phone number (too short: 2 digits after +1, where numbers have 10)"
        )
    }
    assert error_of(answers["foreign"])["error"] == "not_found"
    listed = await client.get(WAITLIST, headers=admin.headers)
    assert listed.json()["items"] == []


async def test_list_is_first_come_first_served_with_filters(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_book(client, database)
    day, later = days_ahead(30), days_ahead(40)
    first = await add_entry(client, admin, customer=customer(1), preferred_date=day.isoformat())
    second = await add_entry(client, admin, customer=customer(2), preferred_date=later.isoformat())
    third = await add_entry(client, admin, customer=customer(3), preferred_date=day.isoformat())
    await client.delete(f"{WAITLIST}/{third['id']}", headers=admin.headers)

    async def ids(**query: object) -> list[str]:
        response = await client.get(WAITLIST, params=query, headers=admin.headers)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids() == [first["id"], second["id"], third["id"]]
    assert await ids(status="waiting") == [first["id"], second["id"]]
    assert await ids(status="CANCELLED") == [third["id"]]
    assert await ids(date_from=later.isoformat()) == [second["id"]]
    assert await ids(date_to=day.isoformat()) == [first["id"], third["id"]]
    assert await ids(customer_id=second["customer_id"]) == [second["id"]]
    page = await client.get(WAITLIST, params={"limit": 2, "page": 2}, headers=admin.headers)
    assert [item["id"] for item in page.json()["items"]] == [third["id"]]
    assert page.json()["pagination"] == {
        "page": 2,
        "limit": 2,
        "total_items": 3,
        "total_pages": 2,
        "has_next": False,
        "has_prev": True,
    }
    backwards = await client.get(
        WAITLIST,
        params={"date_from": later.isoformat(), "date_to": day.isoformat()},
        headers=admin.headers,
    )
    assert backwards.status_code == 422
    assert error_of(backwards)["details"] == {"date_to": "Must not be before date_from"}
    bad_status = await client.get(WAITLIST, params={"status": "lost"}, headers=admin.headers)
    assert bad_status.status_code == 422


async def test_patch_changes_only_what_is_sent(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_book(client, database)
    entry = await add_entry(client, admin, notes="Window seat")

    response = await client.patch(
        f"{WAITLIST}/{entry['id']}",
        json={
            "guest_count": 7,
            "preferred_time": None,
            "location": {"address": "1 Main St", "city": "Folsom", "zip_code": "95630"},
        },
        headers=admin.headers,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["guest_count"] == 7
    assert body["preferred_time"] is None
    assert body["location"] == "1 Main St, Folsom, 95630"
    assert body["location_details"] == {
        "address": "1 Main St",
        "city": "Folsom",
        "zip_code": "95630",
    }
    assert body["notes"] == "Window seat"
    assert body["preferred_date"] == entry["preferred_date"]
    assert body["status"] == "waiting"
    nulled = await client.patch(
        f"{WAITLIST}/{entry['id']}", json={"guest_count": None}, headers=admin.headers
    )
    converted = await client.patch(
        f"{WAITLIST}/{entry['id']}", json={"status": "converted"}, headers=admin.headers
    )
    assert nulled.status_code == converted.status_code == 422
    assert error_of(nulled)["details"] == {"guest_count": "May not be null"}
    unchanged = await client.get(f"{WAITLIST}/{entry['id']}", headers=admin.headers)
    assert unchanged.json() == body


async def test_delete_cancels_the_entry_and_it_can_be_requeued(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_book(client, database)
    entry = await add_entry(client, admin)

    deleted = await client.delete(f"{WAITLIST}/{entry['id']}", headers=admin.headers)
    again = await client.delete(f"{WAITLIST}/{entry['id']}", headers=admin.headers)

    assert deleted.status_code == again.status_code == 204
    assert deleted.content == b""
    cancelled = await client.get(f"{WAITLIST}/{entry['id']}", headers=admin.headers)
    assert cancelled.json()["status"] == "cancelled"
    requeued = await client.patch(
        f"{WAITLIST}/{entry['id']}", json={"status": "waiting"}, headers=admin.headers
    )
    assert requeued.status_code == 200
    assert requeued.json()["status"] == "waiting"


async def test_every_endpoint_needs_sign_in_and_the_waitlist_permission(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_book(client, database)
    entry = await add_entry(client, admin)
    viewer = await signed_in_as(client, database, Role.viewer, admin.organization)
    customer_role = await signed_in_as(client, database, Role.customer, admin.organization)
    one = f"{WAITLIST}/{entry['id']}"
    writes = [
        ("POST", WAITLIST, seed_entry(customer=customer(5))),
        ("PATCH", one, {"guest_count": 9}),
        ("DELETE", one, None),
        ("POST", f"{one}/convert", {}),
    ]
    reads = [("GET", WAITLIST, None), ("GET", one, None)]

    for method, path, body in reads + writes:
        anonymous = await client.request(method, path, json=body)
        assert anonymous.status_code == 401, f"{method} {path}"
        assert error_of(anonymous)["error"] == "unauthorized"
        denied = await client.request(method, path, json=body, headers=customer_role.headers)
        assert denied.status_code == 403, f"{method} {path}"
        assert error_of(denied)["error"] == "forbidden"
    for method, path, body in writes:
        denied = await client.request(method, path, json=body, headers=viewer.headers)
        assert denied.status_code == 403, f"{method} {path}"
    for method, path, _ in reads:
        assert (await client.request(method, path, headers=viewer.headers)).status_code == 200

    listed = await client.get(WAITLIST, headers=admin.headers)
    assert [item["id"] for item in listed.json()["items"]] == [entry["id"]]
    assert listed.json()["items"][0] == entry


async def test_another_organizations_entry_is_not_found(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_book(client, database)
    entry = await add_entry(client, admin)
    outsider = await given_book(client, database)
    one = f"{WAITLIST}/{entry['id']}"

    answers = [
        await client.get(one, headers=outsider.headers),
        await client.patch(one, json={"guest_count": 9}, headers=outsider.headers),
        await client.delete(one, headers=outsider.headers),
        await client.post(f"{one}/convert", json={}, headers=outsider.headers),
    ]

    for answer in answers:
        assert answer.status_code == 404
        assert error_of(answer) == {
            "error": "not_found",
            "message": "No such waitlist entry",
            "details": {},
        }
    assert (await client.get(WAITLIST, headers=outsider.headers)).json()["items"] == []
    assert (await client.get(one, headers=admin.headers)).json() == entry
