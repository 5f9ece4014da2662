"""Seed 004's list conventions on every list, and unknown query parameters refused everywhere.

The lists are found in the route table (every GET with a `page` or `cursor` query parameter),
so a new list is held to the same contract: it declares `sort_by`, `sort_order`,
`created_from` and `created_to`, names the fields it sorts by when asked for another, and an
unknown query parameter anywhere is a 422 naming what the route accepts.
"""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import func, select

from maitred.customers.models import Customer
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.kit.unknown_query import declared_query_names
from tests.factories import signed_in_as

CONVENTIONS = {"sort_by", "sort_order", "created_from", "created_to"}


def list_routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """(path, route) of every documented GET answering a page of something."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if (
            isinstance(route, APIRoute)
            and context.include_in_schema
            and "GET" in (context.methods or ())
            and {"page", "cursor"} & declared_query_names(route.dependant)
        ):
            found.append((str(context.path_format), route))
    return found


def get_routes_without_ids(app: FastAPI) -> list[str]:
    return [
        str(context.path_format)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and context.include_in_schema
        and "GET" in (context.methods or ())
        and "{" not in str(context.path_format)
        and not getattr(context.original_route.endpoint, "accepts_any_query", False)
    ]


async def test_every_list_route_declares_seed_004s_parameters(app: FastAPI) -> None:
    lists = list_routes(app)
    assert len(lists) >= 25  # 28 when written
    missing = {
        path: sorted(CONVENTIONS - declared_query_names(route.dependant))
        for path, route in lists
        if CONVENTIONS - declared_query_names(route.dependant)
    }
    assert missing == {}


async def test_every_list_names_its_sort_fields_and_sorts_by_them(
    client: httpx.AsyncClient, database: Database, app: FastAPI
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    paths = [path for path, _ in list_routes(app) if "{" not in path]
    assert len(paths) >= 20
    for path in paths:
        wrong = await client.get(path, params={"sort_by": "shoe_size"}, headers=admin.headers)
        assert wrong.status_code == 422, (path, wrong.text)
        message = wrong.json()["details"]["sort_by"]
        assert message.startswith("Cannot sort by 'shoe_size'; use one of "), (path, message)
        first = message.removeprefix("Cannot sort by 'shoe_size'; use one of ").split(", ")[0]
        for order in ("asc", "desc"):
            sorted_ = await client.get(
                path,
                params={"sort_by": first, "sort_order": order, "created_from": "2020-01-01"},
                headers=admin.headers,
            )
            assert sorted_.status_code == 200, (path, first, order, sorted_.text)
        backwards = await client.get(path, params={"sort_order": "up"}, headers=admin.headers)
        assert backwards.status_code == 422, (path, backwards.text)
        assert backwards.json()["details"] == {"sort_order": "Use 'asc' or 'desc'"}
        not_a_date = await client.get(path, params={"created_to": "soon"}, headers=admin.headers)
        assert not_a_date.status_code == 422, (path, not_a_date.text)
        assert list(not_a_date.json()["details"]) == ["created_to"]


async def test_an_unknown_query_parameter_is_422_naming_the_accepted_ones_on_every_route(
    client: httpx.AsyncClient, database: Database, app: FastAPI
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    paths = get_routes_without_ids(app)
    assert len(paths) >= 40
    for path in paths:
        response = await client.get(path, params={"sort_bu": "name"}, headers=admin.headers)
        assert response.status_code == 422, (path, response.text)
        body = response.json()
        assert body["error"] == "validation_error", path
        assert body["message"] == "Unknown query parameter: sort_bu", path
        assert list(body["details"]) == ["sort_bu"], path
        assert body["details"]["sort_bu"].startswith("Unknown query parameter; this route accepts:")


async def test_the_accepted_ones_are_named_exactly(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.get(
        "/api/v1/webhooks/subscriptions", params={"activ": "true"}, headers=admin.headers
    )

    assert response.status_code == 422
    assert response.json()["details"] == {
        "activ": "Unknown query parameter; this route accepts: active, created_from, created_to,"
        " limit, order, page, page_size, per_page, search, sort, sort_by, sort_order"
    }


async def test_a_write_with_an_unknown_query_parameter_changes_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    """A client that believes `?dry_run=true` is honoured must not create a customer."""
    staff = await signed_in_as(client, database, Role.staff)

    response = await client.post(
        "/api/v1/customers",
        params={"dry_run": "true"},
        json={"name": "Alice Johnson", "email": "alice@example.com"},
        headers=staff.headers,
    )

    assert response.status_code == 422
    assert list(response.json()["details"]) == ["dry_run"]
    async with database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Customer)) == 0


async def test_unknown_parameters_are_refused_before_signing_in_is_checked(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/v1/customers", params={"serach": "alice"})

    assert response.status_code == 422
    assert list(response.json()["details"]) == ["serach"]


async def test_provider_callbacks_and_checkout_returns_accept_any_query_parameter(
    client: httpx.AsyncClient,
) -> None:
    """Stripe, Twilio and the rest add parameters of their own; those routes ignore them."""
    stripe = await client.post(
        "/api/webhooks/stripe", params={"attempt": "2"}, content=b"{}", headers={}
    )
    assert stripe.status_code != 422 or "attempt" not in stripe.json()["details"]
    twilio = await client.post(
        "/api/webhooks/twilio", params={"AccountSid": "AC1"}, data={"Body": "hi"}
    )
    assert twilio.status_code != 422 or "AccountSid" not in twilio.json()["details"]
    done = await client.get(
        "/api/v1/public/payments/done", params={"paid": "1", "session_id": "cs_test_123"}
    )
    assert done.status_code == 200
    assert "Thank you" in done.text


async def test_links_tagged_by_newsletters_and_ads_still_work(
    client: httpx.AsyncClient, database: Database
) -> None:
    """A payment or booking link passed through a newsletter arrives with utm_* and click ids;
    the route answers as without them, and a real typo next to them is still refused."""
    admin = await signed_in_as(client, database, Role.admin)
    tags = {"utm_source": "newsletter", "utm_campaign": "spring", "fbclid": "IwAR0", "gclid": "Cj"}

    tagged = await client.get("/api/v1/customers", params=tags, headers=admin.headers)
    assert tagged.status_code == 200, tagged.text
    done = await client.get("/api/v1/public/payments/done", params={"paid": "1", **tags})
    assert done.status_code == 200

    typo = await client.get(
        "/api/v1/customers", params={**tags, "serach": "alice"}, headers=admin.headers
    )
    assert typo.status_code == 422
    assert list(typo.json()["details"]) == ["serach"]


async def test_documented_aliases_still_work(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    for params in (
        {"sort": "name", "order": "asc", "per_page": "5"},
        {"sort_by": "name", "sort_order": "asc", "page_size": "5"},
    ):
        response = await client.get("/api/v1/customers", params=params, headers=admin.headers)
        assert response.status_code == 200, response.text
        assert response.json()["pagination"]["limit"] == 5
    organization = admin.organization
    assert organization is not None
    menu = await client.get("/api/v1/menu", params={"org": organization.slug})
    assert menu.status_code == 200, menu.text


async def test_a_created_range_that_ends_before_it_starts_is_422(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.get(
        "/api/v1/customers",
        params={"created_from": "2026-03-02", "created_to": "2026-03-01T12:00:00Z"},
        headers=admin.headers,
    )

    assert response.status_code == 422
    assert response.json()["details"] == {"created_to": "Must not be before created_from"}
