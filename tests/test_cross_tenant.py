"""Another organization's admin, by id, on every route that takes one: 404, and nothing changed.

Generated from the app's route table, so a new route cannot be forgotten: every route whose path
names an id (`..._id`) is called with every method it has, with organization B's admin token and
organization A's real ids. A route whose id no factory below knows how to make fails the test,
naming the factory to add. "Nothing changed" is checked in the database, not through the API:
every row of every table that belongs to A (and A's own row, and its users) is the same before
and after the requests.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import select

from maitred.identity.models import User
from maitred.kit.db import Base, Database
from maitred.tenancy.models import Membership, MembershipStatus, Organization
from tests.bookings.given import Book, book_one, given_book, given_customer, saturday, seed_001_form
from tests.events.given import given_event, given_facilitator
from tests.factories import Actor, deliver_everything, given_user, signed_in_as
from tests.files.images import png

# Routes that take an id but no organization's token: who may call them is proven otherwise.
NOT_FOR_TENANT_TOKENS = {
    # Stripe's callbacks for an organization's own Stripe account: the signature, made with
    # that organization's webhook secret, is the credential (tests/payments).
    "/api/v1/webhooks/stripe/{organization_id}",
    # A visitor's seat: no token, the business is named by X-Tenant-ID; another business's
    # event is a 404 there (tests/waitlist/test_public_seats_api.py).
    "/api/v1/public/events/{event_id}/seats",
}
# Bodies that pass validation, so the request reaches the lookup of the id (a 422 for the body
# would prove nothing). Routes with a body not listed here get `{}`.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/organizations/{organization_id}/members"): {
        "email": "intruder@example.com",
        "role": "admin",
    },
    ("PUT", "/api/v1/organizations/{organization_id}/domains"): {"domains": ["intruder.example"]},
    ("POST", "/api/v1/leads/{lead_id}/notes"): {"body": "Called, no answer"},
    ("PUT", "/api/v1/bookings/{booking_id}/status"): {"crm_status": "contacted"},
    ("PUT", "/crm/api/bookings/{booking_id}/status"): {"crm_status": "contacted"},
    ("POST", "/api/v1/customers/{customer_id}/merge"): {
        "into": "00000000-0000-4000-8000-000000000001"
    },
}


@dataclass
class Victim:
    """Organization A: its admin, its book, and one of each thing it owns, made as it would be."""

    client: httpx.AsyncClient
    database: Database
    book: Book
    admin: Actor
    made: dict[str, str] = field(default_factory=dict)

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.post(f"/api/v1{path}", json=body, headers=self.admin.headers)
        assert response.status_code in (200, 201, 202), response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def first(self, path: str) -> str:
        response = await self.client.get(f"/api/v1{path}", headers=self.admin.headers)
        assert response.status_code == 200, response.text
        return str(response.json()["items"][0]["id"])

    async def id_of(self, key: str) -> str:
        """The id of A's thing `key` (a FACTORIES key), made the first time it is asked for."""
        if key not in self.made:
            self.made[key] = await FACTORIES[key](self)
        return self.made[key]

    @property
    def org_id(self) -> str:
        return str(self.book.organization.id)


async def _customer(v: Victim) -> str:
    return str(await given_customer(v.database, v.book))


async def _booking(v: Victim) -> str:
    customer_id = uuid.UUID(await v.id_of("customer_id"))
    return str((await book_one(v.client, v.admin, seed_001_form(customer_id, v.book)))["id"])


async def _lead(v: Victim) -> str:
    response = await v.client.post(
        "/api/v1/public/leads",
        json={"name": "Jane Smith", "phone": "+19165550123", "email": "jane@example.com"},
        headers={"X-Tenant-ID": v.org_id},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["lead_id"])


async def _waitlist_entry(v: Victim) -> str:
    body = {"preferred_date": saturday(5).isoformat(), "guest_count": 10}
    customer = {"customer_id": await v.id_of("customer_id")}
    return str((await v.post("/waitlist", body | customer))["id"])


async def _subscription(v: Victim) -> str:
    body = {"url": "http://127.0.0.1:9/hooks", "events": ["booking.created"]}
    return str((await v.post("/webhooks/subscriptions", body))["id"])


async def _delivery(v: Victim) -> str:
    subscription_id = await v.id_of("subscription_id")
    await v.post(f"/webhooks/subscriptions/{subscription_id}/test", {})
    await deliver_everything(v.database)
    return await v.first(f"/webhooks/subscriptions/{subscription_id}/deliveries")


async def _message(v: Victim) -> str:
    sent = await v.post(
        "/messages/send",
        {"recipient": {"phone": "+19164445599", "name": "Bob"}, "content": "Hi", "provider": "sms"},
    )
    return str(sent["id"])


async def _attachment(v: Victim) -> str:
    """A photo sent with one of A's messages (the route names both ids: A's real ones)."""
    uploaded = await v.client.post(
        "/api/v1/messages/attachments",
        files={"file": ("patio.png", png(), "image/png")},
        headers=v.admin.headers,
    )
    assert uploaded.status_code == 201, uploaded.text
    await v.post(
        "/messages/send",
        {
            "recipient": {"phone": "+19164445598", "name": "Bob"},
            "content": "Our patio",
            "provider": "sms",
            "attachment_ids": [uploaded.json()["id"]],
        },
    )
    return str(uploaded.json()["id"])


async def _conversation(v: Victim) -> str:
    await v.id_of("message_id")
    return await v.first("/messages/conversations")


async def _payment(v: Victim) -> str:
    body = {"booking_id": await v.id_of("booking_id"), "payment_method": "cash", "amount": 100}
    return str((await v.post("/payments/process", body))["id"])


async def _report_run(v: Victim) -> str:
    return str((await v.post(f"/reports/{await v.id_of('report_id')}/run", {}))["id"])


async def _invitation(v: Victim) -> str:
    """A's invitation to an account that has no organization yet (answered by its holder)."""
    invited = await given_user(v.database, None, email="invited@elsewhere.example")
    await v.post("/users", {"email": invited.email, "full_name": "Sam Invited", "role": "staff"})
    async with v.database.transaction(write=False) as session:
        membership = await session.scalar(
            select(Membership.id).where(
                Membership.user_id == invited.id, Membership.status == MembershipStatus.invited
            )
        )
    return str(membership)


async def _facilitator(v: Victim) -> str:
    return str(await given_facilitator(v.database, v.book.organization))


async def _event(v: Victim) -> str:
    return str(await given_event(v.database, v.book.organization))


# How to make, in organization A, the thing a path parameter names. A key "segment:param"
# (the path's first segment after /api/v1) is for a name two kinds of thing share.
async def _ai_thread(v: Victim) -> str:
    """A website visitor's conversation with A's assistant."""
    response = await v.client.post(
        "/api/v1/ai/chat", json={"message": "hi"}, headers={"X-Tenant-ID": v.org_id}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["thread_id"]).removeprefix("thread_")


async def _faq_entry(v: Victim) -> str:
    body = {"question": "Do you bring the grill?", "answer": "Yes, and the chef."}
    return await _created(v, "/ai/faq", body)


FACTORIES: dict[str, Callable[[Victim], Awaitable[str]]] = {
    "organization_id": lambda v: _value(v.org_id),
    "user_id": lambda v: _value(str(v.admin.user.id)),
    "key_id": lambda v: _created(v, "/api-keys", {"name": "Website form"}),
    "location_id": lambda v: _created(v, "/locations", {"name": "Main kitchen"}),
    "category_id": lambda v: _created(v, "/menu/categories", {"name": "Mains"}),
    "item_id": lambda v: _value(str(next(iter(v.book.menu.values())))),
    "team_id": lambda v: _value(str(v.book.teams[0])),
    "customer_id": _customer,
    "booking_id": _booking,
    "lead_id": _lead,
    "waitlist:entry_id": _waitlist_entry,
    "audit-logs:entry_id": lambda v: v.first("/audit-logs"),
    "event_id": _event,
    "facilitator_id": _facilitator,
    "subscription_id": _subscription,
    "delivery_id": _delivery,
    "message_id": _message,
    "attachment_id": _attachment,
    "conversation_id": _conversation,
    "payment_id": _payment,
    "invitation_id": _invitation,
    "report_id": lambda v: _created(
        v, "/reports", {"name": "Monthly", "figure": "revenue", "period": "last_month"}
    ),
    "run_id": _report_run,
    "thread_id": _ai_thread,
    "ai:entry_id": _faq_entry,
    "project_id": lambda v: _value(v.org_id),
}


async def _value(value: str) -> str:
    return value


async def _created(v: Victim, path: str, body: dict[str, Any]) -> str:
    return str((await v.post(path, body))["id"])


@dataclass(frozen=True)
class IdRoute:
    path: str
    methods: tuple[str, ...]
    ids: tuple[str, ...]  # factory keys, one per id in the path
    has_body: bool


# Path parameters that are not ids, and a value each takes (a report file's format).
NOT_IDS = {"file_format": "csv"}

# Served outside /api/v1 and walked too: seed 002's CRM service API, under its base URL /crm.
OTHER_API_PREFIXES = ("/crm/api/",)


def id_routes(app: FastAPI) -> list[IdRoute]:
    """Every documented /api/v1 route with an id in its path (the /api alias is the same code),
    and those of OTHER_API_PREFIXES."""
    routes = []
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path_format
        if not isinstance(route, APIRoute) or not context.include_in_schema:
            continue
        ids = [p.alias for p in route.dependant.path_params if p.alias.endswith("_id")]
        prefix = next((p for p in ("/api/v1/", *OTHER_API_PREFIXES) if path.startswith(p)), None)
        if not ids or prefix is None or path in NOT_FOR_TENANT_TOKENS:
            continue
        segment = path.removeprefix(prefix).split("/")[0]
        keys = tuple(
            f"{segment}:{name}" if f"{segment}:{name}" in FACTORIES else name for name in ids
        )
        routes.append(
            IdRoute(path, tuple(sorted(context.methods or ())), keys, route.body_field is not None)
        )
    return routes


async def snapshot(
    database: Database, organization_id: uuid.UUID
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row that belongs to the organization, its own row, and its members' accounts; the
    audit log is left out (it records the attempts, in the attacker's organization)."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    async with database.transaction(write=False) as session:
        for table in Base.metadata.sorted_tables:
            if "organization_id" in table.c and table.name != "audit_logs":
                query = select(table).where(table.c.organization_id == organization_id)
                rows[table.name] = sorted(map(tuple, await session.execute(query)), key=repr)
        rows["organizations"] = list(
            map(
                tuple,
                await session.execute(
                    select(Organization.__table__).where(Organization.id == organization_id)
                ),
            )
        )
        members = select(Membership.user_id).where(Membership.organization_id == organization_id)
        rows["users"] = sorted(
            map(tuple, await session.execute(select(User.__table__).where(User.id.in_(members)))),
            key=repr,
        )
    return rows


async def test_another_organizations_admin_gets_404_by_id_everywhere_and_changes_nothing(
    client: httpx.AsyncClient, database: Database, app: FastAPI
) -> None:
    routes = id_routes(app)
    missing = sorted({key for route in routes for key in route.ids if key not in FACTORIES})
    assert not missing, (
        f"No factory makes {missing} in tests/test_cross_tenant.py FACTORIES: add one, so the "
        "routes taking it are tested against another organization's token"
    )
    book = await given_book(database)
    victim = Victim(
        client, database, book, await signed_in_as(client, database, "admin", book.organization)
    )
    for key in sorted({key for route in routes for key in route.ids}):
        await victim.id_of(key)
    intruder = await signed_in_as(client, database, "admin")
    before = await snapshot(database, book.organization.id)

    answers = []
    for route in routes:
        url = route.path
        for key in route.ids:
            name = key.split(":")[-1]
            url = url.replace(f"{{{name}}}", victim.made[key])
        for name, sample in NOT_IDS.items():
            url = url.replace(f"{{{name}}}", sample)
        for method in route.methods:
            body = BODIES.get((method, route.path), {}) if route.has_body else None
            response = await client.request(method, url, json=body, headers=intruder.headers)
            answers.append((method, route.path, response.status_code, response.text[:200]))

    wrong = [answer for answer in answers if answer[2] != 404]
    assert not wrong, "\n".join(map(repr, wrong))
    assert await snapshot(database, book.organization.id) == before
    assert len(answers) >= 70  # the route table was walked (75 requests when written)
