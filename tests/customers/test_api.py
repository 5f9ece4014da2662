"""Customers through HTTP: seed 000's create body, seed 001's detail, search by name, email and
phone (exact, through blind indexes), duplicates, partial updates and who may do what."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.factories import Actor, given_organization, given_user, sign_in, signed_in_as
from tests.probe_router import error_of

CUSTOMERS = "/api/v1/customers"
ALICE = {
    "name": "Alice Johnson",
    "email": "Alice@Example.com",
    "phone": "(916) 555-0123",
    "address": {"street": "789 Pine St", "city": "Sacramento", "state": "CA", "zip_code": "95816"},
    "dietary_restrictions": ["vegetarian"],
    "notes": "Prefers early evening events",
}


async def create(client: httpx.AsyncClient, actor: Actor, **fields: Any) -> dict[str, Any]:
    response = await client.post(CUSTOMERS, json=fields, headers=actor.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def count(client: httpx.AsyncClient, actor: Actor) -> int:
    response = await client.get(CUSTOMERS, headers=actor.headers)
    total: int = response.json()["pagination"]["total_items"]
    return total


async def test_seed_000s_create_body_answers_seed_001s_detail(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)

    created = await create(client, staff, **ALICE, preferences={"preferred_contact": "email"})
    fetched = await client.get(f"{CUSTOMERS}/{created['id']}", headers=staff.headers)

    assert fetched.status_code == 200
    body = fetched.json()
    assert body == created
    assert {k: v for k, v in body.items() if k not in ("id", "created_at", "updated_at")} == {
        "name": "Alice Johnson",
        "email": "alice@example.com",
        "phone": "+19165550123",
        "phone_dialable": True,
        "address": {"street": "789 Pine St", "city": "Sacramento", "state": "CA", "zip": "95816"},
        "dietary_restrictions": ["vegetarian"],
        "preferences": {"dietary_restrictions": ["vegetarian"], "preferred_contact": "email"},
        "preferred_language": None,
        "notes": "Prefers early evening events",
        "source": "admin",
        "loyalty_tier": "bronze",
        "loyalty_points": 0,
        "total_bookings": 0,
        "total_spent": 0.0,
        "upcoming_bookings": 0,
        "last_booking_date": None,
        "possible_duplicate_of": None,
        "erased_at": None,
    }


async def test_a_duplicate_email_or_phone_is_a_conflict_naming_the_field(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    await create(client, staff, **ALICE)

    same_email = await client.post(
        CUSTOMERS, json={"name": "Alice J.", "email": "ALICE@example.com"}, headers=staff.headers
    )
    same_phone = await client.post(
        CUSTOMERS, json={"name": "Al", "phone": "+1 916-555-0123"}, headers=staff.headers
    )
    both = await client.post(
        CUSTOMERS,
        json={"name": "Al", "email": "alice@example.com", "phone": "9165550123"},
        headers=staff.headers,
    )

    assert same_email.status_code == same_phone.status_code == both.status_code == 409
    assert error_of(same_email) == {
        "error": "already_exists",
        "message": "A customer with this email already exists",
        "details": {"email": "Another customer has this email"},
    }
    assert error_of(same_phone)["details"] == {"phone": "Another customer has this phone"}
    assert error_of(both)["message"] == "A customer with this email and phone already exists"
    assert await count(client, staff) == 1


async def test_bad_email_and_phone_are_reported_together(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)

    response = await client.post(
        CUSTOMERS,
        json={"name": "Bo", "email": "not-an-email", "phone": "12", "favourite": "x"},
        headers=staff.headers,
    )
    invalid = await client.post(
        CUSTOMERS,
        json={"name": "Bo", "email": "not-an-email", "phone": "12"},
        headers=staff.headers,
    )

    blank = await client.post(CUSTOMERS, json={"name": "   "}, headers=staff.headers)

    assert response.status_code == 422
    assert error_of(response)["details"] == {"favourite": "Unknown field"}
    assert error_of(blank)["details"] == {"name": "Field is required and cannot be empty"}
    assert invalid.status_code == 422
    assert set(error_of(invalid)["details"]) == {"email", "phone"}  # type: ignore[arg-type]
    assert await count(client, staff) == 0


async def test_search_by_partial_name_or_exact_email_or_phone(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    await create(client, staff, **ALICE)
    await create(client, staff, name="Bob Alison", email="bob@example.com")
    await create(client, staff, name="Carol", phone="916-555-0199")

    async def names(**query: str) -> list[str]:
        response = await client.get(CUSTOMERS, params=query, headers=staff.headers)
        assert response.status_code == 200
        return [item["name"] for item in response.json()["items"]]

    assert await names(search="ali", sort="name", order="asc") == ["Alice Johnson", "Bob Alison"]
    assert await names(search=" ALICE@example.COM ") == ["Alice Johnson"]
    assert await names(search="alice@example") == []  # email matches exactly, never in part
    assert await names(search="+19165550123") == ["Alice Johnson"]
    assert await names(search="(916) 555-0199") == ["Carol"]
    assert await names(search="555-01") == []
    assert await names(sort="name", order="desc") == ["Carol", "Bob Alison", "Alice Johnson"]
    assert await names(loyalty_tier="silver") == []
    assert await names(loyalty_tier="bronze", sort="name", order="asc") == [
        "Alice Johnson",
        "Bob Alison",
        "Carol",
    ]
    page = await client.get(
        CUSTOMERS,
        params={"limit": 2, "page": 2, "sort": "name", "order": "asc"},
        headers=staff.headers,
    )
    assert [i["name"] for i in page.json()["items"]] == ["Carol"]
    assert page.json()["pagination"] == {
        "page": 2,
        "limit": 2,
        "total_items": 3,
        "total_pages": 2,
        "has_next": False,
        "has_prev": True,
    }
    bad_sort = await client.get(CUSTOMERS, params={"sort": "email"}, headers=staff.headers)
    assert bad_sort.status_code == 422


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
async def test_partial_updates_reindex_email_and_phone(
    client: httpx.AsyncClient, database: Database, method: str
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    alice = await create(client, staff, **ALICE)
    url = f"{CUSTOMERS}/{alice['id']}"

    response = await client.request(
        method,
        url,
        json={
            "email": "alice.j@example.com",
            "phone": "+1 916 555 0177",
            "notes": "Updated contact information",
            "preferences": {"preferred_contact": "sms"},
        },
        headers=staff.headers,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["email"] == "alice.j@example.com"
    assert body["phone"] == "+19165550177"
    assert body["notes"] == "Updated contact information"
    assert body["preferences"] == {
        "dietary_restrictions": ["vegetarian"],
        "preferred_contact": "sms",
    }
    assert body["address"] == alice["address"]  # untouched
    found = await client.get(
        CUSTOMERS, params={"search": "alice.j@example.com"}, headers=staff.headers
    )
    old = await client.get(CUSTOMERS, params={"search": "alice@example.com"}, headers=staff.headers)
    assert [i["id"] for i in found.json()["items"]] == [alice["id"]]
    assert old.json()["items"] == []


async def test_an_update_to_anothers_phone_is_a_conflict_and_changes_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    alice = await create(client, staff, **ALICE)
    bob = await create(client, staff, name="Bob", phone="916-555-0199")

    taken = await client.patch(
        f"{CUSTOMERS}/{bob['id']}",
        json={"phone": "9165550123", "name": "Robert"},
        headers=staff.headers,
    )
    null_name = await client.patch(
        f"{CUSTOMERS}/{bob['id']}", json={"name": None}, headers=staff.headers
    )
    own = await client.patch(
        f"{CUSTOMERS}/{alice['id']}", json={"phone": "916 555 0123"}, headers=staff.headers
    )

    assert taken.status_code == 409
    assert error_of(taken)["details"] == {"phone": "Another customer has this phone"}
    assert null_name.status_code == 422
    assert own.status_code == 200
    unchanged = (await client.get(f"{CUSTOMERS}/{bob['id']}", headers=staff.headers)).json()
    assert (unchanged["name"], unchanged["phone"]) == ("Bob", "+19165550199")


async def test_every_endpoint_needs_a_signed_in_caller(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    alice = await create(client, staff, **ALICE)
    url = f"{CUSTOMERS}/{alice['id']}"

    answers = [
        await client.get(CUSTOMERS),
        await client.post(CUSTOMERS, json={"name": "Eve"}),
        await client.get(url),
        await client.patch(url, json={"name": "Eve"}),
        await client.put(url, json={"name": "Eve"}),
        await client.delete(url),
    ]

    assert [a.status_code for a in answers] == [401] * 6
    assert (await client.get(url, headers=staff.headers)).json()["name"] == "Alice Johnson"


async def test_roles_without_the_permission_are_refused_and_change_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    viewer = await signed_in_as(client, database, Role.viewer, staff.organization)
    guest = await signed_in_as(client, database, Role.customer, staff.organization)
    alice = await create(client, staff, **ALICE)
    url = f"{CUSTOMERS}/{alice['id']}"

    writes = [
        await client.post(CUSTOMERS, json={"name": "Eve"}, headers=viewer.headers),
        await client.patch(url, json={"name": "Eve"}, headers=viewer.headers),
        await client.put(url, json={"name": "Eve"}, headers=viewer.headers),
        await client.delete(url, headers=viewer.headers),
        await client.get(CUSTOMERS, headers=guest.headers),
        await client.get(url, headers=guest.headers),
    ]

    assert [w.status_code for w in writes] == [403] * 6
    assert error_of(writes[0])["error"] == "forbidden"
    assert (await client.get(url, headers=viewer.headers)).json() == (
        await client.get(url, headers=staff.headers)
    ).json()
    assert (await client.get(url, headers=staff.headers)).json()["name"] == "Alice Johnson"
    assert await count(client, staff) == 1


async def test_another_organizations_customer_is_not_found(
    client: httpx.AsyncClient, database: Database
) -> None:
    ours = await signed_in_as(client, database, Role.admin)
    theirs = await signed_in_as(
        client, database, Role.admin, await given_organization(database, "Other Grill")
    )
    alice = await create(client, theirs, **ALICE)
    url = f"{CUSTOMERS}/{alice['id']}"

    answers = [
        await client.get(url, headers=ours.headers),
        await client.patch(url, json={"name": "Eve"}, headers=ours.headers),
        await client.put(url, json={"name": "Eve"}, headers=ours.headers),
        await client.delete(url, headers=ours.headers),
    ]

    assert [a.status_code for a in answers] == [404] * 4
    assert error_of(answers[0]) == {
        "error": "not_found",
        "message": "No such customer",
        "details": {},
    }
    assert (await client.get(CUSTOMERS, headers=ours.headers)).json()["items"] == []
    # The same email is free in our organization: customers are per business.
    assert (await create(client, ours, **ALICE))["email"] == "alice@example.com"
    assert (await client.get(url, headers=theirs.headers)).json()["name"] == "Alice Johnson"


async def test_a_signed_in_customer_reads_their_own_record_only(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    user = await given_user(database, staff.organization, Role.customer, email="alice@example.com")
    tokens = await sign_in(client, user.email)
    mine = await create(client, staff, **ALICE)
    other = await create(client, staff, name="Bob", email="bob@example.com")
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}

    own = await client.get(f"{CUSTOMERS}/{mine['id']}", headers=headers)
    not_mine = await client.get(f"{CUSTOMERS}/{other['id']}", headers=headers)

    assert own.status_code == 200
    assert own.json()["email"] == "alice@example.com"
    assert not_mine.status_code == 403
