"""The rules of payments that read: the list, one payment, the period summary and the payments
settings; and what other domains call (`record_received` for demo data, `deposit_link` for the
deposit request message). Flows that call the provider are in charges.py and refunds.py."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.kit.clock import local_days
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.kit.list_params import NEWEST_FIRST, ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo
from maitred.payments.caller import Caller
from maitred.payments.charges import record_received
from maitred.payments.dues import Due
from maitred.payments.public_links import deposit_link, takes_cards
from maitred.payments.reads import payment_read, payments_read
from maitred.payments.repository import (
    MethodTotal,
    PaymentFilters,
    PaymentRepository,
    RefundRepository,
)
from maitred.tenancy import sections as tenancy_sections
from maitred.tenancy import service as tenancy_service
from maitred.tenancy import snapshots
from maitred.tenancy.payment_settings import PaymentSettings

__all__ = ["Caller", "Due", "MethodTotal", "deposit_link", "record_received", "takes_cards"]

SORT_FIELDS = tuple(PaymentRepository.sorts)


async def _zone_and_currency(session: AsyncSession, organization_id: uuid.UUID) -> tuple[str, str]:
    frame = await snapshots.local_frame(session, organization_id)
    return frame.zone, frame.currency


def _bounds(
    date_from: date | None, date_to: date | None, zone: str
) -> tuple[datetime | None, datetime | None]:
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed(details={"date_to": "Must not be before date_from"})
    return local_days(date_from, date_to, zone)


async def list_payments(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    booking_id: uuid.UUID | None,
    method: str | None,
    date_from: date | None,
    date_to: date | None,
    params: PageParams,
    listing: ListQuery = NEWEST_FIRST,
) -> tuple[list[dict[str, Any]], PaginationInfo]:
    """Newest first; dates are the organization's local days the payment was made; `search`
    is a provider's exact reference (`pi_…`)."""
    zone, _ = await _zone_and_currency(session, organization_id)
    since, until = _bounds(date_from, date_to, zone)
    if method == "stripe":
        method = "card"
    filters = PaymentFilters(
        booking_id, listing.statuses, method, since, until, provider_reference=listing.search
    )
    window = listing.created_window(ZoneInfo(zone))
    rows, info = await PaymentRepository(session, organization_id).listed(
        filters, params, listing, window
    )
    return await payments_read(session, rows), info


async def get_payment(
    session: AsyncSession, organization_id: uuid.UUID, payment_id: uuid.UUID
) -> dict[str, Any]:
    payment = await PaymentRepository(session, organization_id).get_or_404(payment_id)
    refunds = await RefundRepository(session, organization_id).of_payments([payment.id])
    return payment_read(payment, refunds)


async def cash_between(
    session: AsyncSession,
    organization_id: uuid.UUID,
    since: datetime | None,
    until: datetime | None,
) -> tuple[list[MethodTotal], int, Decimal]:
    """Succeeded payments by method, and the count and sum of succeeded refunds, by when they
    succeeded in [since, until) (None: unbounded): the period summary's figures, and analytics'
    cash by day."""
    by_method = await PaymentRepository(session, organization_id).collected(since, until)
    refunds, refunded = await RefundRepository(session, organization_id).refunded(since, until)
    return list(by_method), refunds, refunded


def cash_figures(by_method: list[MethodTotal], refunds: int, refunded: Decimal) -> dict[str, Any]:
    """The summary's money-in-and-out fields from `cash_between`'s answer (or the same figures
    read from analytics' day rollup)."""
    collected = sum((row.amount for row in by_method), start=Decimal(0))
    return {
        "collected": collected,
        "refunded": refunded,
        "net": collected - refunded,
        "payments": sum(row.count for row in by_method),
        "refunds": refunds,
        "by_method": [
            {"payment_method": row.method, "count": row.count, "amount": row.amount}
            for row in by_method
        ],
    }


async def summary(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    date_from: date | None,
    date_to: date | None,
) -> dict[str, Any]:
    """Money in and out in the period (by when it happened), and what bookings with events in
    the period still owe."""
    zone, currency = await _zone_and_currency(session, organization_id)
    since, until = _bounds(date_from, date_to, zone)
    by_method, refunds, refunded = await cash_between(session, organization_id, since, until)
    owed = await bookings_service.outstanding(
        session, organization_id, date_from=date_from, date_to=date_to
    )
    return {
        "date_from": date_from,
        "date_to": date_to,
        "currency": currency,
        **cash_figures(by_method, refunds, refunded),
        "outstanding_balance": owed.balances,
        "deposits_due": owed.deposits,
        "bookings_with_balance": owed.bookings,
    }


async def get_settings(session: AsyncSession, organization_id: uuid.UUID) -> PaymentSettings:
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        raise NotFound("No such organization")
    return tenancy_service.settings_of(organization).payments


async def update_settings(
    session: AsyncSession, organization_id: uuid.UUID, changes: dict[str, Any]
) -> PaymentSettings:
    updated: PaymentSettings = await tenancy_sections.update_section(
        session, organization_id=organization_id, section="payments", changes=changes
    )
    return updated
