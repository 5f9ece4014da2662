"""Cash by local day (analytics/models.PaymentDayFigures): succeeded payments by method and
succeeded refunds, each on the local day it succeeded in the organization's zone. A payment's
or refund's news makes the worker move the rollup by that payment's difference: what it and its
refunds last counted for (analytics/models.CountedCash) against their rows now, under a lock
per payment, so deliveries repeated, late or out of order leave it exact (a refund that failed
after succeeding leaves its old day the same way)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    bindparam,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics import deltas
from maitred.analytics.models import CountedCash, PaymentDayFigures
from maitred.kit import outbox
from maitred.kit.money import from_minor
from maitred.payments.models import Payment, Refund
from maitred.payments.service import MethodTotal
from maitred.tenancy.snapshots import local_frame

PAYMENT, REFUND = "payment", "refund"
SUCCEEDED = "succeeded"
EVENTS = ("payment.completed", "payment.refunded", "payment.refund_failed")

CASH = deltas.Rollup(PaymentDayFigures, ("day", "kind", "method"), ("count", "amount_minor"))
Counted = tuple[str, date, str, int]  # kind, local day, method, amount in cents

_PAYMENT = select(
    Payment.id, Payment.method, type_coerce(Payment.amount, BigInteger), Payment.succeeded_at
).where(
    Payment.organization_id == bindparam("org"),
    Payment.id == bindparam("payment"),
    Payment.status == SUCCEEDED,
    Payment.succeeded_at.is_not(None),
)
_REFUNDS = select(Refund.id, type_coerce(Refund.amount, BigInteger), Refund.succeeded_at).where(
    Refund.organization_id == bindparam("org"),
    Refund.payment_id == bindparam("payment"),
    Refund.status == SUCCEEDED,
    Refund.succeeded_at.is_not(None),
)
_COUNTED: Any = CountedCash.__table__
_BEFORE = select(
    _COUNTED.c.source_id,
    _COUNTED.c.kind,
    _COUNTED.c.day,
    _COUNTED.c.method,
    _COUNTED.c.amount_minor,
).where(
    _COUNTED.c.organization_id == bindparam("org"), _COUNTED.c.payment_id == bindparam("payment")
)
_FORGET = delete(_COUNTED).where(
    _COUNTED.c.organization_id == bindparam("org"), _COUNTED.c.payment_id == bindparam("payment")
)


def _sums(counted: dict[uuid.UUID, Counted]) -> deltas.Sums:
    sums: deltas.Sums = {}
    for kind, day, method, cents in counted.values():
        total = sums.setdefault((day, kind, method), [0, 0])
        total[0] += 1
        total[1] += cents
    return sums


async def reconcile(
    session: AsyncSession, organization_id: uuid.UUID, payment_id: uuid.UUID
) -> None:
    """The cash rollup moved from what the payment and its refunds counted for to what they
    count for now."""
    ids = {"org": organization_id, "payment": payment_id}
    await deltas.lock(session, "cash", organization_id, payment_id)
    zone = ZoneInfo((await local_frame(session, organization_id)).zone)
    now: dict[uuid.UUID, Counted] = {
        source: (PAYMENT, _local_day(at, zone), method, int(cents))
        for source, method, cents, at in (await session.execute(_PAYMENT, ids)).all()
    }
    now |= {
        source: (REFUND, _local_day(at, zone), "", int(cents))
        for source, cents, at in (await session.execute(_REFUNDS, ids)).all()
    }
    before: dict[uuid.UUID, Counted] = {
        source: (kind, day, method, int(cents))
        for source, kind, day, method, cents in (await session.execute(_BEFORE, ids)).all()
    }
    if before == now:
        return
    net = deltas.net_of([(_sums(before), -1), (_sums(now), 1)], len(CASH.sums))
    await CASH.add(session, organization_id, net)
    await session.execute(_FORGET, ids)
    if now:
        await session.execute(
            insert(_COUNTED),
            [
                {
                    "id": uuid.uuid4(),
                    "organization_id": organization_id,
                    "source_id": source,
                    "payment_id": payment_id,
                    "kind": kind,
                    "day": day,
                    "method": method,
                    "amount_minor": cents,
                }
                for source, (kind, day, method, cents) in now.items()
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
    """The cash rollup recomputed from every succeeded payment and refund (after a migration,
    an import or a change of time zone); how many days."""
    zone = ZoneInfo((await local_frame(session, organization_id)).zone)
    for model in (CountedCash, PaymentDayFigures):
        await session.execute(delete(model).where(model.organization_id == organization_id))
    payments = select(
        Payment.id, Payment.id.label("payment_id"), Payment.method,
        type_coerce(Payment.amount, BigInteger), Payment.succeeded_at,
    ).where(
        Payment.organization_id == organization_id,
        Payment.status == SUCCEEDED,
        Payment.succeeded_at.is_not(None),
    )  # fmt: skip
    refunds: Any = select(
        Refund.id, Refund.payment_id, literal_column("''"),
        type_coerce(Refund.amount, BigInteger), Refund.succeeded_at,
    ).where(
        Refund.organization_id == organization_id,
        Refund.status == SUCCEEDED,
        Refund.succeeded_at.is_not(None),
    )  # fmt: skip
    for kind, statement in ((PAYMENT, payments), (REFUND, refunds)):
        if session.get_bind().dialect.name == "postgresql":
            await _count_in_sql(session, organization_id, kind, statement, zone.key)
            continue
        result = await session.stream(statement)
        async for chunk in result.partitions(5000):
            await session.execute(
                insert(_COUNTED),
                [
                    {
                        "id": uuid.uuid4(),
                        "organization_id": organization_id,
                        "source_id": source,
                        "payment_id": payment,
                        "kind": kind,
                        "day": _local_day(at, zone),
                        "method": method,
                        "amount_minor": int(cents),
                    }
                    for source, payment, method, cents, at in chunk
                ],
            )
    c = CountedCash
    new_id = deltas.new_id(session.get_bind().dialect.name)
    by_day = (
        select(
            new_id, c.organization_id, c.day, c.kind, c.method, func.count(),
            func.sum(c.amount_minor),
        )
        .where(c.organization_id == organization_id)
        .group_by(c.organization_id, c.day, c.kind, c.method)
    )  # fmt: skip
    columns = ["id", "organization_id", *CASH.keys, *CASH.sums]
    await session.execute(
        insert(PaymentDayFigures).from_select(columns, by_day, include_defaults=True)
    )
    days = select(func.count(func.distinct(c.day))).where(c.organization_id == organization_id)
    return int((await session.execute(days)).scalar_one())


async def _count_in_sql(
    session: AsyncSession, organization_id: uuid.UUID, kind: str, statement: Any, zone: str
) -> None:
    """PostgreSQL: the kept rows written by the database (local day by `timezone`), a slice
    of 31 days at a time so each statement stays short at millions of payments."""
    source, payment, method, cents, at = statement.selected_columns
    first, last = (
        await session.execute(
            statement.with_only_columns(func.min(at), func.max(at)).order_by(None)
        )
    ).one()
    columns = ["id", "organization_id", "source_id", "payment_id", "kind", "day", "method"]
    while first is not None and first <= last:
        until = first + timedelta(days=31)
        rows = statement.with_only_columns(
            func.gen_random_uuid(), literal(organization_id), source, payment, literal(kind),
            func.date(func.timezone(zone, at)), method, cents,
        ).where(at >= first, at < until)  # fmt: skip
        await session.execute(
            insert(_COUNTED).from_select([*columns, "amount_minor"], rows, include_defaults=True)
        )
        first = until


def _local_day(at: datetime | None, zone: ZoneInfo) -> date:
    assert at is not None  # the statements read succeeded ones only
    return at.astimezone(zone).date()


async def _payment_news(session: AsyncSession, event: outbox.Event) -> None:
    if event.organization_id is None or not event.payload.get("payment_id"):
        return
    await reconcile(session, event.organization_id, uuid.UUID(str(event.payload["payment_id"])))


for _name in EVENTS:
    outbox.register(_name, _payment_news, name="analytics.rollups.cash_days")
