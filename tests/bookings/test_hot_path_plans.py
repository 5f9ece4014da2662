"""The public booking's statements, as SQLite plans them: each reaches its rows through an index
that narrows below the whole organization (ARCHITECTURE.md, Hot paths).

A statement that scans a table, or searches one by `organization_id` alone, costs a little on a
test's few rows and milliseconds on a real book, and on SQLite it runs while the request holds the
single writer: every other booking waits behind it. (The customer lookup did: `email_index = ?
OR phone_index = ?` had only partial indexes, so SQLite walked every customer.)
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event, make_url

from maitred.kit import writes
from maitred.kit.db import Database
from tests.bookings.given import SEED_000_POLICY, given_book
from tests.bookings.test_public_form import post, seed_form

# A step that reads a whole table, or all of one organization's rows of it. The claim reads all
# of a business's chef teams on purpose (a handful; it picks a free one), through a JSON list of
# them (a virtual table); SQLite scans or searches the teams (`t`) as its statistics say.
_WIDE = re.compile(
    r"^SCAN (?!(?:\d+ )?CONSTANT ROWS?)|USING (?:COVERING )?INDEX \S+ \(organization_id=\?\)$"
)
_MEANT = re.compile(r"^(?:SCAN|SEARCH) t(?: |$)|^SCAN \w+ VIRTUAL TABLE")


@contextmanager
def captured(database: Database) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    def on_write(statement: str) -> None:
        # kit/writes.py's, on SQLite's driver connection: planned with nulls for its values.
        seen.append((statement, (None,) * statement.count("?")))

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", on_execute)
    writes.listeners.append(on_write)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        writes.listeners.remove(on_write)


async def test_a_public_booking_reads_no_table_wide(
    client: httpx.AsyncClient, database: Database
) -> None:
    if not database.is_sqlite:
        pytest.skip("SQLite's plans; PostgreSQL plans by its own statistics")
    book = await given_book(database, settings=SEED_000_POLICY, teams=3)
    first = await post(client, book, seed_form())  # a returning customer takes the wider path
    assert first.status_code == 201, first.text
    for email, phone in (("new@example.com", "(916) 555-0166"), (None, None)):
        form = seed_form(email=email, phone=phone) if email else seed_form()
        with captured(database) as statements:
            answer = await post(client, book, form)
        assert answer.status_code == 201, answer.text
        wide: list[str] = []
        with closing(sqlite3.connect(make_url(database.url).database or "")) as connection:
            for sql, parameters in statements:
                if not sql.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "WITH")):
                    continue
                if isinstance(parameters, list):  # executemany: the plan is the same for each
                    parameters = parameters[0]
                plan = connection.execute(f"EXPLAIN QUERY PLAN {sql}", parameters).fetchall()
                wide += [
                    f"{step[-1]} in {sql[:80]}"
                    for step in plan
                    if _WIDE.search(step[-1]) and not _MEANT.search(step[-1])
                ]
        assert not wide, wide
