"""The request bodies `/docs` offers under "Try it out" pass on their phone numbers (issue 18).

Swagger UI fills a body from the schema: each property's first example, else a placeholder
("string" for a text), so a phone field without an example, or with an impossible one, would
make the page's own request a 422. Every phone field of every request body has an example that
is a possible number, and each such body without path parameters, sent as Swagger UI builds it,
gets no complaint about a phone; seed 002's ingest example (`+1234567890`) is taken as sent.
"""

from __future__ import annotations

from typing import Any

import httpx

from maitred.kit import phones
from maitred.kit.db import Database
from tests.bookings.given import given_book
from tests.customers.test_account_takeover import SIGNUP_BOOK
from tests.factories import signed_in_as

Schema = dict[str, Any]
WRITES = ("post", "put", "patch")
_PLACEHOLDERS: dict[str, Any] = {
    "string": "string",
    "integer": 0,
    "number": 0,
    "boolean": True,
    "null": None,
}
_FORMATS = {
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "date": "2026-12-24",
    "date-time": "2026-12-24T18:00:00Z",
    "email": "user@example.com",
}


class Document:
    def __init__(self, openapi: Schema) -> None:
        self.openapi = openapi
        self.components: dict[str, Schema] = openapi["components"]["schemas"]

    def resolve(self, schema: Schema) -> Schema:
        while "$ref" in schema:
            schema = self.components[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def sample(self, schema: Schema, depth: int = 0) -> Any:
        """What Swagger UI puts in the body: an example, else a default, else a placeholder."""
        if "example" in schema:
            return schema["example"]
        if schema.get("examples"):
            return schema["examples"][0]
        if "default" in schema and depth > 0:
            return schema["default"]
        if "$ref" in schema:
            return self.sample(self.resolve(schema), depth)
        for key in ("anyOf", "oneOf"):
            branches = [b for b in schema.get(key, []) if b.get("type") != "null"]
            if branches:
                return self.sample(branches[0], depth)
        if "allOf" in schema:
            return self.sample(schema["allOf"][0], depth)
        if "enum" in schema:
            return schema["enum"][0]
        kind = schema.get("type", "object")
        if kind == "array":
            return [self.sample(schema.get("items", {}), depth + 1)] if depth < 6 else []
        if kind == "object":
            return {
                name: self.sample(prop, depth + 1)
                for name, prop in schema.get("properties", {}).items()
            }
        return _FORMATS.get(schema.get("format", ""), _PLACEHOLDERS.get(kind, "string"))

    def phone_fields(self, schema: Schema, where: str, seen: set[str]) -> list[tuple[str, Any]]:
        """(schema.property, its examples) of every phone property reachable from `schema`."""
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name in seen:
                return []
            seen.add(name)
            return self.phone_fields(self.components[name], name, seen)
        found: list[tuple[str, Any]] = []
        for key in ("anyOf", "oneOf", "allOf"):
            for branch in schema.get(key, []):
                found += self.phone_fields(branch, where, seen)
        if "items" in schema:
            found += self.phone_fields(schema["items"], where, seen)
        for name, prop in schema.get("properties", {}).items():
            if "phone" in name.lower() or (where == "SmsSend" and name == "to"):
                found.append((f"{where}.{name}", prop.get("examples")))
            found += self.phone_fields(prop, where, seen)
        return found

    def bodies(self) -> list[tuple[str, str, Schema]]:
        return [
            (method, path, operation["requestBody"]["content"]["application/json"]["schema"])
            for path, operations in self.openapi["paths"].items()
            for method, operation in operations.items()
            if method in WRITES
            and "application/json" in operation.get("requestBody", {}).get("content", {})
        ]


def phone_complaints(response: httpx.Response) -> dict[str, Any]:
    if response.status_code != 422:
        return {}
    details = response.json().get("details") or {}
    return {k: v for k, v in details.items() if "phone" in k or k == "to"}


async def test_every_phone_field_of_a_request_body_has_a_possible_example(
    client: httpx.AsyncClient, database: Database
) -> None:
    document = Document((await client.get("/openapi.json")).json())

    fields = {
        field: examples
        for _, _, schema in document.bodies()
        for field, examples in document.phone_fields(schema, "body", set())
    }

    assert {"PublicLeadCreate.phone", "PublicBookingRequest.phone", "SmsSend.to"} <= set(fields)
    missing = sorted(field for field, examples in fields.items() if not examples)
    impossible = {
        field: example
        for field, examples in fields.items()
        for example in examples or []
        if field != "NotifiedUser.phone" and phones.to_e164(example) is None
    }
    assert (missing, impossible) == ([], {})
    assert fields["PublicLeadCreate.phone"] == ["555-123-4567"]  # seed 001's own
    assert fields["PublicBookingRequest.phone"] == ["555-987-6543"]
    assert fields["NotifiedUser.phone"] == ["+1234567890"]  # seed 002's: taken as sent


async def test_try_it_out_bodies_get_no_complaint_about_a_phone(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=SIGNUP_BOOK)
    admin = await signed_in_as(client, database, "admin", book.organization)
    headers = {**admin.headers, "X-Tenant-ID": str(book.organization.id)}
    document = Document((await client.get("/openapi.json")).json())

    answers: dict[str, httpx.Response] = {}
    for method, path, schema in document.bodies():
        if "{" in path or not document.phone_fields(schema, "body", set()):
            continue
        body = document.sample(schema)
        answers[f"{method} {path}"] = await client.request(method, path, json=body, headers=headers)

    assert {
        "post /api/v1/public/leads",
        "post /api/v1/public/bookings",
        "post /api/v1/customers",
        "post /api/v1/notifications/sms",
        "post /api/v1/crm/notify",
        "post /crm/api/notify",
        "post /api/v1/auth/register",
    } <= set(answers)
    assert {k: phone_complaints(r) for k, r in answers.items() if phone_complaints(r)} == {}
    assert answers["post /api/v1/public/leads"].status_code == 201
    assert answers["post /api/v1/customers"].status_code == 201
    # The SMS sample names a placeholder booking id: a 422 on that, not on `to`.
    sms = answers["post /api/v1/notifications/sms"]
    assert sms.json()["details"] == {"booking_id": "No such booking"}
    # The same example notification through maitred's route and seed 002's CRM service API
    # (which answers 200 even for a new one): stored once, its phone flagged, never refused.
    notified = answers["post /api/v1/crm/notify"]
    service = answers["post /crm/api/notify"]
    assert (notified.status_code, service.status_code) in ((201, 200), (200, 200)), notified.text
    assert notified.json()["notification_id"] == service.json()["notification_id"]
    assert list(notified.json()["contact_flags"]) == ["user.phone"]
    assert list(service.json()["contact_flags"]) == ["user.phone"]
