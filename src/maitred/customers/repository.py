"""Queries of customers, their consents and the spam counter; all scoped to one organization.
The public form's compiled statements are in customers/contact_queries.py, contact
verifications (scoped to a user) in customers/verification_repository.py."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any, ClassVar

from sqlalchemy import (
    ColumnElement,
    Select,
    Uuid,
    bindparam,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from maitred.customers.contact_queries import (
    INSERT_IF_NEW,
    INSERT_UNLESS_TAKEN,
    SHARING_CONTACT,
    ContactMatch,
)
from maitred.customers.models import ContactConsent, Customer, DroppedSubmission
from maitred.kit.clock import utcnow
from maitred.kit.reads import ReadQuery
from maitred.kit.repository import Repository, escape_like


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


# One column, not the customer: loading one decrypts its contact fields.
_LANGUAGE = select(Customer.preferred_language).where(
    Customer.organization_id == bindparam("organization_id"),
    Customer.id == bindparam("customer_id"),
)


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
            SHARING_CONTACT,
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
        inserted = await INSERT_IF_NEW[self.session.get_bind().dialect.name].run(
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
            INSERT_UNLESS_TAKEN[self.session.get_bind().dialect.name],
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
