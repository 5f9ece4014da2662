"""Right to erasure across domains: each domain that keeps a person's data registers how to blank
it, so erasing a customer reaches leads, messages, the waitlist and the rest without the
customers package knowing them. Erasers blank who the person is (names, addresses, what they
wrote) and keep the books (amounts, dates, statuses); they run in the erasing transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass
class Person:
    """Who is being erased, as the customer record knew them before it was blanked: the
    customer's id and their normalized email and E.164 phone (each domain matches these through
    its own blind indexes). `found` carries ids one eraser matched for the ones after it (the
    person's leads, for the messages sent to them)."""

    organization_id: uuid.UUID
    customer_id: uuid.UUID
    email: str | None
    phone: str | None
    found: dict[str, set[uuid.UUID]] = field(default_factory=dict)


Eraser = Callable[[AsyncSession, Person], Awaitable[int]]
_ERASERS: list[tuple[int, str, Eraser]] = []


def eraser(table: str, *, order: int = 50) -> Callable[[Eraser], Eraser]:
    """Register how to blank the person in `table`; the function returns the rows it blanked.
    Lower `order` runs first (leads before the messages that refer to them)."""

    def register(function: Eraser) -> Eraser:
        if all(name != table for _, name, _ in _ERASERS):
            _ERASERS.append((order, table, function))
            _ERASERS.sort(key=lambda entry: entry[:2])
        return function

    return register


def tables() -> list[str]:
    """The tables an erasure covers, beyond the customer's own row."""
    return [name for _, name, _ in _ERASERS]


async def erase_everywhere(session: AsyncSession, person: Person) -> dict[str, int]:
    """Rows blanked per table."""
    return {name: await function(session, person) for _, name, function in _ERASERS}
