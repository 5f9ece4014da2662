"""The statements that find who a public form names and insert a new customer, built once at
import because the public booking form runs them on every request (ARCHITECTURE.md, Hot paths).
They stand apart from customers/repository.py, which runs them, because how they are built (one
side per index, an insert that yields to a concurrent one) is a subject of its own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import cast

from sqlalchemy import ColumnElement, Select, String, Table, Uuid, bindparam, select, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from maitred.customers.models import Customer
from maitred.kit.writes import WriteStatement


@dataclass(frozen=True)
class ContactMatch:
    """A customer sharing a form's email or phone: what finding the right one needs."""

    id: uuid.UUID
    name: str
    email: str | None
    phone: str | None
    email_index: str | None
    phone_index: str | None
    possible_duplicate_of: uuid.UUID | None
    preferred_language: str | None


_customers = cast(Table, Customer.__table__)


def _with_contact(column: ColumnElement[str | None], name: str) -> Select[uuid.UUID]:
    """The customers with this one contact: one side of "who has the email or the phone",
    asked apart so that each side reads its own index (SQLite reads an OR of two columns through
    indexes only when its statistics favour it; otherwise it walked every customer)."""
    return select(Customer.id).where(
        Customer.organization_id == bindparam("organization_id", type_=Uuid()),
        column == bindparam(name, type_=String()),
    )


# Built once (the public booking form runs them): every unerased customer with the email or the
# phone, primary records first; and the insert that yields to a concurrent one (the unique
# indexes) instead of failing, so it needs no savepoint.
SHARING_CONTACT = (
    select(
        Customer.id,
        Customer.name,
        Customer.email,
        Customer.phone,
        Customer.email_index,
        Customer.phone_index,
        Customer.possible_duplicate_of,
        Customer.preferred_language,
    )
    .where(
        # The organization is in both sides (an outer test of it made SQLite walk the whole
        # organization, testing each row against the two sides, when it lacked statistics).
        Customer.id.in_(
            union_all(
                _with_contact(_customers.c.email_index, "email_index"),
                _with_contact(_customers.c.phone_index, "phone_index"),
            )
        ),
        Customer.erased_at.is_(None),
    )
    .order_by(Customer.possible_duplicate_of.is_not(None), Customer.created_at)
)
_NEW_COLUMNS = (
    "id",
    "organization_id",
    "name",
    "email",
    "email_index",
    "phone",
    "phone_index",
    "address",
    "dietary_restrictions",
    "notes",
    "source",
    "preferred_language",
    "loyalty_tier",
    "loyalty_points",
    "created_at",
    "updated_at",
)
# A customer nobody shares the email or phone with, in one statement: the public form's usual
# case. No row back means someone has them; then the rules of find_or_create decide.
_INSERT_IF_NEW_SELECT = select(
    *(bindparam(name, type_=_customers.c[name].type) for name in _NEW_COLUMNS)
).where(
    *(
        ~_with_contact(column, name).where(Customer.erased_at.is_(None)).exists()
        for column, name in (
            (_customers.c.email_index, "email_index"),
            (_customers.c.phone_index, "phone_index"),
        )
    )
)
INSERT_IF_NEW = {
    "postgresql": WriteStatement(
        pg_insert(_customers)
        .from_select(list(_NEW_COLUMNS), _INSERT_IF_NEW_SELECT)
        .on_conflict_do_nothing()
        .returning(Customer.id)
    ),
    "sqlite": WriteStatement(
        sqlite_insert(_customers)
        .from_select(list(_NEW_COLUMNS), _INSERT_IF_NEW_SELECT)
        .on_conflict_do_nothing()
        .returning(Customer.id)
    ),
}
INSERT_UNLESS_TAKEN = {
    "postgresql": pg_insert(_customers).on_conflict_do_nothing().returning(Customer.id),
    "sqlite": sqlite_insert(_customers).on_conflict_do_nothing().returning(Customer.id),
}
