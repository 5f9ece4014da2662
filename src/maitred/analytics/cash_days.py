"""Cash by local day (analytics/models.PaymentDayFigures): succeeded payments by method and
succeeded refunds, each on the local day it succeeded in the organization's zone. A payment's
or refund's news makes the worker recompute its whole day from the payments themselves, with the
statements `GET /payments/summary` runs (payments/service.py `cash_between`) bounded to that
day, under a lock per day: exact whatever the order, repetition or concurrency of deliveries.

A refund that failed after succeeding has lost its day (its `succeeded_at` is cleared): every
refund day since it was asked is recomputed then."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics.models import PaymentDayFigures
from maitred.kit import outbox
from maitred.kit.clock import local_days, utcnow
from maitred.kit.money import from_minor, to_minor
from maitred.payments import service as payments_service
from maitred.payments.models import Payment, Refund
from maitred.payments.service import MethodTotal
from maitred.tenancy.snapshots import local_frame

PAYMENT, REFUND = "payment", "refund"
EVENTS = ("payment.completed", "payment.refunded", "payment.refund_failed")


def _lock_key(organization_id: uuid.UUID, day: date) -> int:
    digest = hashlib.blake2b(f"cash:{organization_id}:{day}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def refresh_days(
    session: AsyncSession, organization_id: uuid.UUID, days: Iterable[date]
) -> None:
    """These days' cash recomputed from the payments and refunds."""
    zone = (await local_frame(session, organization_id)).zone
    for day in sorted(set(days)):
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"),
                {"key": _lock_key(organization_id, day)},
            )
        await session.execute(
            delete(PaymentDayFigures).where(
                PaymentDayFigures.organization_id == organization_id, PaymentDayFigures.day == day
            )
        )
        since, until = local_days(day, day, zone)
        by_method, count, refunded = await payments_service.cash_between(
            session, organization_id, since, until
        )
        rows = [(PAYMENT, t.method, t.count, to_minor(t.amount)) for t in by_method]
        if count:
            rows.append((REFUND, "", count, to_minor(refunded)))
        if rows:
            await session.execute(
                insert(PaymentDayFigures),
                [
                    {
                        "id": uuid.uuid4(),
                        "organization_id": organization_id,
                        "day": day,
                        "kind": kind,
                        "method": method,
                        "count": n,
                        "amount_minor": cents,
                    }
                    for kind, method, n, cents in rows
                ],
            )


async def collected(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date
) -> list[MethodTotal]:
    """As `payments_service.cash_between`'s payments over the local days `start`..`end`."""
    statement = (
        select(
            PaymentDayFigures.method,
            func.sum(PaymentDayFigures.count),
            func.sum(PaymentDayFigures.amount_minor),
        )
        .where(*_days(organization_id, PAYMENT, start, end))  # type: ignore[arg-type]
        .group_by(PaymentDayFigures.method)
        .order_by(PaymentDayFigures.method)
    )
    return [
        MethodTotal(str(method), int(n), from_minor(int(cents)))
        for method, n, cents in (await session.execute(statement)).all()
    ]


async def refunded(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date
) -> tuple[int, Decimal]:
    """As `RefundRepository.refunded` over the local days `start`..`end`."""
    statement = select(
        func.coalesce(func.sum(PaymentDayFigures.count), 0),
        func.coalesce(func.sum(PaymentDayFigures.amount_minor), 0),
    ).where(*_days(organization_id, REFUND, start, end))  # type: ignore[arg-type]
    n, cents = (await session.execute(statement)).one()
    return int(n), from_minor(int(cents))


def _days(organization_id: uuid.UUID, kind: str, start: date, end: date) -> tuple[object, ...]:
    return (
        PaymentDayFigures.organization_id == organization_id,
        PaymentDayFigures.kind == kind,
        PaymentDayFigures.day >= start,
        PaymentDayFigures.day <= end,
    )


async def rebuild(session: AsyncSession, organization_id: uuid.UUID) -> int:
    """Every day with a succeeded payment or refund (after a migration or an import)."""
    zone = ZoneInfo((await local_frame(session, organization_id)).zone)
    moments: list[datetime | None] = []
    for model in (Payment, Refund):
        moments += (
            await session.scalars(
                select(model.succeeded_at).where(
                    model.organization_id == organization_id, model.succeeded_at.is_not(None)
                )
            )
        ).all()
    days = {moment.astimezone(zone).date() for moment in moments if moment is not None}
    await refresh_days(session, organization_id, days)
    return len(days)


async def refresh_payment(
    session: AsyncSession,
    organization_id: uuid.UUID,
    payment_id: uuid.UUID,
    refund_id: uuid.UUID | None = None,
    *,
    refund_failed: bool = False,
) -> None:
    """The days one payment's news may have moved: its own, its refunds' and, after a refund
    failed, every refund day since that refund was asked."""
    zone = ZoneInfo((await local_frame(session, organization_id)).zone)
    moments = list(
        (
            await session.scalars(
                select(Payment.succeeded_at).where(
                    Payment.organization_id == organization_id, Payment.id == payment_id
                )
            )
        ).all()
    )
    moments += (
        await session.scalars(
            select(Refund.succeeded_at).where(
                Refund.organization_id == organization_id, Refund.payment_id == payment_id
            )
        )
    ).all()
    days = {moment.astimezone(zone).date() for moment in moments if moment is not None}
    if refund_failed and refund_id is not None:
        asked = await session.scalar(
            select(Refund.created_at).where(
                Refund.organization_id == organization_id, Refund.id == refund_id
            )
        )
        since = (asked or utcnow()).astimezone(zone).date()
        days |= set(
            (
                await session.scalars(
                    select(PaymentDayFigures.day).where(
                        *_days(organization_id, REFUND, since, date.max)  # type: ignore[arg-type]
                    )
                )
            ).all()
        )
    await refresh_days(session, organization_id, days)


async def _payment_news(session: AsyncSession, event: outbox.Event) -> None:
    if event.organization_id is None or not event.payload.get("payment_id"):
        return
    refund_id = event.payload.get("refund_id")
    await refresh_payment(
        session,
        event.organization_id,
        uuid.UUID(str(event.payload["payment_id"])),
        uuid.UUID(str(refund_id)) if refund_id else None,
        refund_failed=event.name == "payment.refund_failed",
    )


for _name in EVENTS:
    outbox.register(_name, _payment_news, name="analytics.rollups.cash_days")
