"""The public booking's writes run on SQLite's driver connection (kit/writes.py) and store what
SQLAlchemy's own execution stores: the same booking written both ways reads back alike through
GET /bookings/{id}, the staff list and the customer, and its rows hold values of the same types
and formats (UUIDs, dates, datetimes, money, JSON, encrypted contacts)."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from maitred.kit import writes
from maitred.kit.db import Database
from tests.bookings.given import given_book, staff_of
from tests.bookings.test_public_fast_path import fast_path
from tests.bookings.test_public_form import post, seed_form

# What differs between two bookings by two people, whichever way they were written.
OWN = {"id", "booking_id", "reference_number", "customer_id", "created_at", "updated_at"}
OWN |= {"name", "first_name", "last_name", "email", "phone", "customer_name", "hold_expires_at"}
OWN |= {"confirmed_at", "changed_at", "booking_date", "chef_team_id", "team_id"}
TABLES = {
    "bookings": "id",
    "booking_status_changes": "booking_id",
    "capacity_claims": "booking_id",
    "customers": "id",
}


def same_but_own(first: Any, second: Any, key: str = "") -> None:
    """Equal, but for each booking's own ids, people and times, which are of the same type."""
    assert type(first) is type(second), key
    if isinstance(first, dict):
        assert list(first) == list(second), key
        for name in first:
            same_but_own(first[name], second[name], name)
    elif isinstance(first, list):
        assert len(first) == len(second), key
        for one, other in zip(first, second, strict=True):
            same_but_own(one, other, key)
    elif key not in OWN:
        assert first == second, key
    else:  # the same format: a UUID, a timestamp with its zone, a reference number
        assert shape(first) == shape(second), (key, first, second)


async def booked(client: httpx.AsyncClient, app: FastAPI, book: Any, n: int) -> dict[str, Any]:
    taken = fast_path(app).taken
    answer = await post(
        client, book, seed_form(name=f"Guest {n}", phone=f"(916) 555-01{n:02d}", email=f"g{n}@a.io")
    )
    assert answer.status_code == 201, answer.text
    assert fast_path(app).taken == taken + 1
    body: dict[str, Any] = answer.json()
    return body


def shape(value: Any) -> Any:
    """A stored value's type and format, without its digits and letters' own values."""
    if isinstance(value, str) and value.startswith("v1."):  # encrypted: the key's id, a length
        return (value.rsplit(".", 1)[0], len(value))
    if isinstance(value, str):
        return re.sub(r"[0-9a-fA-F]", "x", value)
    if isinstance(value, bytes):
        return ("bytes", len(value) > 0)
    return type(value).__name__


def stored_rows(database: Database, customer_id: str, booking_id: str) -> dict[str, dict]:
    assert database.sqlite_path is not None
    conn = sqlite3.connect(database.sqlite_path)
    conn.row_factory = sqlite3.Row
    try:
        rows = {}
        for table, key in TABLES.items():
            wanted = customer_id if table == "customers" else booking_id
            found = conn.execute(
                f"SELECT * FROM {table} WHERE {key} = ?", (wanted.replace("-", ""),)
            ).fetchall()
            assert len(found) == 1, table
            rows[table] = dict(found[0])
        return rows
    finally:
        conn.close()


async def test_a_booking_written_on_the_driver_reads_back_as_sqlalchemys(
    client: httpx.AsyncClient, app: FastAPI, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = await given_book(database, teams=3)
    staff = await staff_of(client, database, book)
    on_driver = await booked(client, app, book, 1)
    monkeypatch.setattr(writes, "ON_DRIVER", False)
    through_sqlalchemy = await booked(client, app, book, 2)
    monkeypatch.setattr(writes, "ON_DRIVER", True)

    same_but_own(on_driver, through_sqlalchemy)
    details = []
    for answer in (on_driver, through_sqlalchemy):
        read = await client.get(f"/api/v1/bookings/{answer['booking_id']}", headers=staff.headers)
        assert read.status_code == 200, read.text
        details.append(read.json())
    same_but_own(*details)

    listed = await client.get("/api/v1/bookings", headers=staff.headers)
    assert listed.status_code == 200, listed.text
    items = {item["id"]: item for item in listed.json()["items"]}
    assert len(items) == 2
    same_but_own(items[on_driver["booking_id"]], items[through_sqlalchemy["booking_id"]])

    customers = []
    for n, detail in enumerate(details, start=1):
        read = await client.get(f"/api/v1/customers/{detail['customer_id']}", headers=staff.headers)
        assert read.status_code == 200, read.text
        customer = read.json()
        assert customer["email"] == f"g{n}@a.io"  # decrypted as written
        assert customer["phone"] == f"+1916555010{n}"
        customers.append(customer)
    same_but_own(*customers)

    if not database.is_sqlite:
        return
    first, second = (stored_rows(database, d["customer_id"], d["id"]) for d in details)
    for table, row in first.items():
        assert list(row) == list(second[table])
        for column, value in row.items():
            assert shape(value) == shape(second[table][column]), (table, column, value)
