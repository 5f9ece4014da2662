"""Queries of customers, their consents and the spam counter; all scoped to one organization."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Table,
    Uuid,
    bindparam,
    func,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers.models import (
    ContactConsent,
    ContactVerification,
    Customer,
    DroppedSubmission,
)
from maitred.kit.clock import utcnow
from maitred.kit.reads import ReadQuery
from maitred.kit.repository import Repository, escape_like
from maitred.kit.writes import WriteStatement


@functools.cache
def briefs_query(count: int) -> ReadQuery:
    """Name, email and phone of `count` customers (parameters `id_0`…), compiled once per count:
    a page of a list names at most a hundred."""
    ids = [bindparam(f"id_{i}", type_=Uuid()) for i in range(count)]
    return ReadQuery(
        select(Customer.id, Customer.name, Customer.email, Customer.phone).where(
            Customer.organization_id == bindparam("organization_id", type_=Uuid()),
            Customer.id.in_(ids),
        )
    )


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


# One column, not the customer: loading one decrypts its contact fields.
_LANGUAGE = select(Customer.preferred_language).where(
    Customer.organization_id == bindparam("organization_id"),
    Customer.id == bindparam("customer_id"),
)
# Built once (the public booking form runs them): every unerased customer with the email or the
# phone, primary records first; and the insert that yields to a concurrent one (the unique
# indexes) instead of failing, so it needs no savepoint.
_SHARING_CONTACT = (
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
_INSERT_IF_NEW = {
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
_INSERT_UNLESS_TAKEN = {
    "postgresql": pg_insert(_customers).on_conflict_do_nothing().returning(Customer.id),
    "sqlite": sqlite_insert(_customers).on_conflict_do_nothing().returning(Customer.id),
}


class CustomerRepository(Repository[Customer]):
    model: ClassVar[type[Any]] = Customer
    not_found_message: ClassVar[str] = "No such customer"
    sorts: ClassVar[Mapping[str, Any]] = {
        "created_at": Customer.created_at,
        "name": func.lower(Customer.name),
        "updated_at": Customer.updated_at,
    }

    async def sharing_contact(
        self, email_index: str | None, phone_index: str | None
    ) -> list[ContactMatch]:
        rows = await self.session.execute(
            _SHARING_CONTACT,
            {
                "organization_id": self.organization_id,
                "email_index": email_index,
                "phone_index": phone_index,
            },
        )
        return [ContactMatch(*row) for row in rows]

    async def language_of(self, customer_id: uuid.UUID) -> str | None:
        found: str | None = await self.session.scalar(
            _LANGUAGE, {"organization_id": self.organization_id, "customer_id": customer_id}
        )
        return found

    async def fill_language(self, customer_id: uuid.UUID, language: str) -> None:
        """Sets the customer's language only where none was known."""
        await self.session.execute(
            update(Customer)
            .where(
                Customer.organization_id == self.organization_id,
                Customer.id == customer_id,
                Customer.preferred_language.is_(None),
            )
            .values(preferred_language=language)
            .execution_options(synchronize_session=False)
        )

    async def insert_if_new(self, values: dict[str, Any]) -> bool:
        """Inserts the customer when no unerased one has its email or phone; whether it did."""
        now = utcnow()
        row = {
            "notes": "",
            "loyalty_tier": "bronze",
            "loyalty_points": 0,
            "address": None,
            "preferred_language": None,
        }
        inserted = await _INSERT_IF_NEW[self.session.get_bind().dialect.name].run(
            self.session,
            row
            | {"organization_id": self.organization_id, "created_at": now, "updated_at": now}
            | values,
        )
        return bool(inserted)

    async def insert_unless_taken(self, values: dict[str, Any]) -> bool:
        """False when a concurrent insert took the email or phone first (the unique indexes)."""
        now = utcnow()
        inserted = await self.session.execute(
            _INSERT_UNLESS_TAKEN[self.session.get_bind().dialect.name],
            {"organization_id": self.organization_id, "created_at": now, "updated_at": now}
            | values,
        )
        return inserted.first() is not None

    async def get_for_update(self, customer_id: uuid.UUID) -> Customer | None:
        found: Customer | None = await self.session.scalar(
            self.scoped().where(Customer.id == customer_id).with_for_update()
        )
        return found

    def primary(self) -> Select[tuple[Customer]]:
        """Records that are not kept apart as a possible duplicate: the one per email or phone."""
        return self.scoped().where(Customer.possible_duplicate_of.is_(None))

    async def by_email_index(self, index: str) -> Customer | None:
        found: Customer | None = await self.session.scalar(
            self.primary().where(Customer.email_index == index)
        )
        return found

    async def by_phone_index(self, index: str) -> Customer | None:
        found: Customer | None = await self.session.scalar(
            self.primary().where(Customer.phone_index == index)
        )
        return found

    async def all_by_email_index(self, index: str) -> Sequence[Customer]:
        """The record of this email first, then any kept apart as possible duplicates."""
        return await self.all(self._sharing(Customer.email_index == index))

    async def all_by_phone_index(self, index: str) -> Sequence[Customer]:
        """The record of this phone first, then any kept apart as possible duplicates."""
        return await self.all(self._sharing(Customer.phone_index == index))

    def _sharing(self, condition: ColumnElement[bool]) -> Select[tuple[Customer]]:
        return (
            self.scoped()
            .where(condition, Customer.erased_at.is_(None))
            .order_by(Customer.possible_duplicate_of.is_not(None), Customer.created_at)
        )

    async def kept_apart_for(self, customer_id: uuid.UUID) -> Sequence[Customer]:
        """The records kept apart as possible duplicates of this customer, oldest first."""
        return await self.all(
            self.scoped()
            .where(Customer.possible_duplicate_of == customer_id)
            .order_by(Customer.created_at, Customer.id)
        )

    async def holder_of(self, record: Customer) -> uuid.UUID | None:
        """The live customer (not a possible duplicate) holding this record's email or phone."""
        shared = [
            column == index
            for column, index in (
                (Customer.email_index, record.email_index),
                (Customer.phone_index, record.phone_index),
            )
            if index is not None
        ]
        if not shared:
            return None
        found: uuid.UUID | None = await self.session.scalar(
            select(Customer.id)
            .where(
                Customer.organization_id == self.organization_id,
                Customer.id != record.id,
                Customer.possible_duplicate_of.is_(None),
                Customer.erased_at.is_(None),
                or_(*shared),
            )
            .order_by(Customer.created_at)
            .limit(1)
        )
        return found

    def possible_duplicates(self) -> Select[tuple[Customer]]:
        return self.scoped().where(
            Customer.possible_duplicate_of.is_not(None), Customer.erased_at.is_(None)
        )

    async def by_user(self, user_id: uuid.UUID) -> Customer | None:
        found: Customer | None = await self.session.scalar(
            self.scoped().where(Customer.user_id == user_id, Customer.erased_at.is_(None)).limit(1)
        )
        return found

    async def many(self, customer_ids: Collection[uuid.UUID]) -> Sequence[Customer]:
        if not customer_ids:
            return []
        return await self.all(self.scoped().where(Customer.id.in_(list(customer_ids))))

    def matching(
        self,
        *,
        name_part: str | None,
        email_index: str | None,
        phone_index: str | None,
        loyalty_tier: str | None,
    ) -> Select[tuple[Customer]]:
        """Erased customers are no longer anyone to find; they stay reachable by id."""
        statement = self.scoped().where(Customer.erased_at.is_(None))
        found_by: list[ColumnElement[bool]] = []
        if name_part:
            found_by.append(Customer.name.ilike(f"%{escape_like(name_part)}%", escape="\\"))
        if email_index:
            found_by.append(Customer.email_index == email_index)
        if phone_index:
            found_by.append(Customer.phone_index == phone_index)
        if found_by:
            statement = statement.where(or_(*found_by))
        if loyalty_tier:
            statement = statement.where(Customer.loyalty_tier == loyalty_tier)
        return statement


class ConsentRepository(Repository[ContactConsent]):
    model: ClassVar[type[Any]] = ContactConsent

    async def of_person(
        self,
        customer_id: uuid.UUID,
        address_indexes: Collection[str],
        lead_ids: Collection[uuid.UUID],
    ) -> Sequence[ContactConsent]:
        """Every consent the person gave, live or withdrawn: linked, by address or by lead."""
        linked = [ContactConsent.customer_id == customer_id]
        if address_indexes:
            linked.append(ContactConsent.address_index.in_(list(address_indexes)))
        if lead_ids:
            linked.append(ContactConsent.lead_id.in_(list(lead_ids)))
        return await self.all(self.scoped().where(or_(*linked)))


class DroppedSubmissions(Repository[DroppedSubmission]):
    model: ClassVar[type[Any]] = DroppedSubmission

    async def count_one(self, *, form: str, day: date) -> None:
        """Upsert then increment: one statement each, so concurrent spam is counted exactly."""
        now = utcnow()
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        await self.session.execute(
            insert(DroppedSubmission)
            .values(
                id=uuid.uuid4(),
                organization_id=self.organization_id,
                form=form,
                day=day,
                count=0,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["organization_id", "form", "day"])
        )
        await self.session.execute(
            update(DroppedSubmission)
            .where(
                DroppedSubmission.organization_id == self.organization_id,
                DroppedSubmission.form == form,
                DroppedSubmission.day == day,
            )
            .values(count=DroppedSubmission.count + 1, updated_at=now)
        )

    async def total(self, *, form: str, since: date) -> int:
        value = await self.session.scalar(
            self.scoped()
            .with_only_columns(func.coalesce(func.sum(DroppedSubmission.count), 0))
            .where(DroppedSubmission.form == form, DroppedSubmission.day >= since)
        )
        return int(value or 0)


class Verifications:
    """Proofs of one account's email or phone, in whichever organization they were asked from
    (an address is the account's or not wherever it signs in); scoped to the user."""

    def __init__(self, session: AsyncSession, user_id: uuid.UUID) -> None:
        self.session, self.user_id = session, user_id

    def add(self, proof: ContactVerification) -> None:
        proof.user_id = self.user_id
        self.session.add(proof)

    def _own(self, channel: str) -> Select[Any]:
        statement: Select[Any] = select(ContactVerification).where(
            ContactVerification.user_id == self.user_id, ContactVerification.channel == channel
        )
        return statement

    async def by_secret(self, channel: str, secret_hash: str) -> ContactVerification | None:
        found: ContactVerification | None = await self.session.scalar(
            self._own(channel)
            .where(ContactVerification.secret_hash == secret_hash)
            .with_for_update()
        )
        return found

    async def latest_open(self, channel: str, address_index: str) -> ContactVerification | None:
        found: ContactVerification | None = await self.session.scalar(
            self._own(channel)
            .where(
                ContactVerification.address_index == address_index,
                ContactVerification.used_at.is_(None),
            )
            .order_by(ContactVerification.created_at.desc())
            .limit(1)
            .with_for_update()
        )
        return found

    async def asked_since(self, channel: str, since: datetime) -> int:
        count = await self.session.scalar(
            self._own(channel)
            .with_only_columns(func.count())
            .where(ContactVerification.created_at >= since)
        )
        return int(count or 0)

    async def is_verified(self, channel: str, address_index: str) -> bool:
        found = await self.session.scalar(
            self._own(channel)
            .with_only_columns(ContactVerification.id)
            .where(
                ContactVerification.address_index == address_index,
                ContactVerification.verified_at.is_not(None),
            )
            .limit(1)
        )
        return found is not None
