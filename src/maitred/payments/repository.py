"""Every query of payments and refunds, scoped to one organization by construction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import BigInteger, Select, func, select, type_coerce, update

from maitred.kit.list_params import CreatedWindow, ListQuery
from maitred.kit.money import from_minor
from maitred.kit.pagination import PageParams, PaginationInfo
from maitred.kit.repository import Repository
from maitred.payments.models import Payment, ProviderConfig, Refund

SUCCEEDED = "succeeded"


@dataclass(frozen=True)
class PaymentFilters:
    booking_id: uuid.UUID | None = None
    statuses: tuple[str, ...] = ()
    method: str | None = None
    since: datetime | None = None  # created at or after (UTC)
    until: datetime | None = None  # created before (UTC)
    provider_reference: str | None = None


@dataclass(frozen=True)
class MethodTotal:
    method: str
    count: int
    amount: Decimal


class PaymentRepository(Repository[Payment]):
    model = Payment
    not_found_message = "No such payment"
    sorts: ClassVar[Mapping[str, Any]] = {
        "created_at": Payment.created_at,
        "amount": Payment.amount,
        "status": Payment.status,
    }

    async def locked(self, payment_id: uuid.UUID) -> Payment | None:
        found: Payment | None = await self.session.scalar(
            self.scoped()
            .where(Payment.id == payment_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return found

    async def by_request_key(self, request_key: str) -> Payment | None:
        found: Payment | None = await self.session.scalar(
            self.scoped().where(Payment.request_key == request_key)
        )
        return found

    async def by_provider_reference(self, provider: str, reference: str) -> Payment | None:
        found: Payment | None = await self.session.scalar(
            self.scoped().where(
                Payment.provider == provider, Payment.provider_reference == reference
            )
        )
        return found

    async def by_checkout_reference(self, reference: str) -> Payment | None:
        found: Payment | None = await self.session.scalar(
            self.scoped().where(Payment.checkout_reference == reference)
        )
        return found

    async def open_checkout(
        self, booking_id: uuid.UUID, purpose: str, amount: Decimal, now: datetime
    ) -> Payment | None:
        """A checkout link of this booking still worth sending: same purpose and amount, unpaid,
        not expired."""
        rows = await self.all(
            self.scoped()
            .where(
                Payment.booking_id == booking_id,
                Payment.purpose == purpose,
                Payment.amount == amount,
                Payment.status == "pending",
                Payment.checkout_url.is_not(None),
            )
            .order_by(Payment.created_at.desc())
        )
        for payment in rows:
            expires = (payment.meta or {}).get("checkout_expires_at")
            if expires and datetime.fromisoformat(expires) > now:
                return payment
        return None

    async def unanswered_cards(self, booking_id: uuid.UUID) -> Sequence[Payment]:
        """Card payments of the booking whose provider call has had no answer yet (no intent,
        no checkout session), oldest first."""
        return await self.all(
            self.scoped()
            .where(
                Payment.booking_id == booking_id,
                Payment.method == "card",
                Payment.status == "pending",
                Payment.provider_reference.is_(None),
                Payment.checkout_reference.is_(None),
                Payment.request_key.is_(None),
            )
            .order_by(Payment.created_at, Payment.id)
        )

    async def of_booking(self, booking_id: uuid.UUID) -> Sequence[Payment]:
        return await self.all(
            self.scoped()
            .where(Payment.booking_id == booking_id)
            .order_by(Payment.created_at, Payment.id)
            .execution_options(populate_existing=True)
        )

    def filtered(self, filters: PaymentFilters) -> Select[tuple[Payment]]:
        statement = self.scoped()
        if filters.booking_id is not None:
            statement = statement.where(Payment.booking_id == filters.booking_id)
        if filters.statuses:
            statement = statement.where(Payment.status.in_(filters.statuses))
        if filters.provider_reference is not None:
            statement = statement.where(Payment.provider_reference == filters.provider_reference)
        if filters.method is not None:
            statement = statement.where(Payment.method == filters.method)
        if filters.since is not None:
            statement = statement.where(Payment.created_at >= filters.since)
        if filters.until is not None:
            statement = statement.where(Payment.created_at < filters.until)
        return statement

    async def listed(
        self, filters: PaymentFilters, params: PageParams, listing: ListQuery, window: CreatedWindow
    ) -> tuple[Sequence[Payment], PaginationInfo]:
        return await self.listing_page(params, listing, window, self.filtered(filters))

    async def collected(self, since: datetime | None, until: datetime | None) -> list[MethodTotal]:
        """Succeeded payments by method, counted when they succeeded."""
        statement = (
            select(
                Payment.method,
                func.count(),
                func.coalesce(func.sum(type_coerce(Payment.amount, BigInteger)), 0),
            )
            .where(Payment.organization_id == self.organization_id, Payment.status == SUCCEEDED)
            .group_by(Payment.method)
            .order_by(Payment.method)
        )
        rows = (
            await self.session.execute(_between(statement, Payment.succeeded_at, since, until))
        ).all()
        return [MethodTotal(str(row[0]), int(row[1]), from_minor(int(row[2]))) for row in rows]


class RefundRepository(Repository[Refund]):
    model = Refund
    not_found_message = "No such refund"

    async def of_payments(self, payment_ids: Sequence[uuid.UUID]) -> Sequence[Refund]:
        if not payment_ids:
            return []
        return await self.all(
            self.scoped()
            .where(Refund.payment_id.in_(payment_ids))
            .order_by(Refund.created_at, Refund.id)
            .execution_options(populate_existing=True)
        )

    async def by_request_key(self, request_key: str) -> Refund | None:
        found: Refund | None = await self.session.scalar(
            self.scoped().where(Refund.request_key == request_key)
        )
        return found

    async def by_provider_reference(self, reference: str) -> Refund | None:
        found: Refund | None = await self.session.scalar(
            self.scoped().where(Refund.provider_reference == reference)
        )
        return found

    async def refunded(self, since: datetime | None, until: datetime | None) -> tuple[int, Decimal]:
        statement = select(
            func.count(), func.coalesce(func.sum(type_coerce(Refund.amount, BigInteger)), 0)
        ).where(Refund.organization_id == self.organization_id, Refund.status == SUCCEEDED)
        row = (
            await self.session.execute(_between(statement, Refund.succeeded_at, since, until))
        ).one()
        return int(row[0]), from_minor(int(row[1]))


class ProviderConfigRepository(Repository[ProviderConfig]):
    model = ProviderConfig

    async def of(self, provider: str) -> ProviderConfig | None:
        found: ProviderConfig | None = await self.session.scalar(
            self.scoped().where(ProviderConfig.provider == provider)
        )
        return found


def _between(statement: Any, column: Any, since: datetime | None, until: datetime | None) -> Any:
    if since is not None:
        statement = statement.where(column >= since)
    if until is not None:
        statement = statement.where(column < until)
    return statement


async def organization_of_reference(
    session: Any, provider: str, reference: str
) -> uuid.UUID | None:
    """Whose payment a provider's object is, for a webhook that names nothing else."""
    found: uuid.UUID | None = await session.scalar(
        select(Payment.organization_id).where(
            Payment.provider == provider, Payment.provider_reference == reference
        )
    )
    return found


OPEN_STATUSES = ("pending", "requires_action")


async def open_pages(session: Any, limit: int) -> Sequence[Payment]:
    """Every organization's card payments a customer can still pay on a page (a Checkout
    session or an intent), oldest first."""
    rows = await session.scalars(
        select(Payment)
        .where(
            Payment.method == "card",
            Payment.status.in_(OPEN_STATUSES),
            Payment.booking_id.is_not(None),
            (Payment.checkout_reference.is_not(None)) | (Payment.provider_reference.is_not(None)),
        )
        .order_by(Payment.created_at, Payment.id)
        .limit(limit)
    )
    return list(rows.all())


async def claim_unsettled(
    session: Any, older_than: datetime, now: datetime, limit: int
) -> list[Any]:
    """Every organization's card payments still open and untouched since `older_than`, claimed
    by moving their `updated_at` to `now` (compare-and-swap: of several workers, one gets each);
    (id, organization id) of those claimed."""
    candidates = (
        await session.execute(
            select(Payment.id, Payment.organization_id, Payment.updated_at)
            .where(
                Payment.method == "card",
                Payment.status.in_(OPEN_STATUSES),
                Payment.updated_at < older_than,
            )
            .order_by(Payment.updated_at)
            .limit(limit)
        )
    ).all()
    claimed = []
    for payment_id, organization_id, seen in candidates:
        moved = await session.execute(
            update(Payment)
            .where(Payment.id == payment_id, Payment.updated_at == seen)
            .values(updated_at=now)
        )
        if moved.rowcount == 1:
            claimed.append((payment_id, organization_id))
    return claimed
