"""counted bookings and cash: what each booking, and each succeeded payment and refund, last
counted for in the rollups, so the worker moves them by one booking's or payment's difference
instead of recomputing its day; filled from the bookings and payments (the rollups equal them);
and covering indexes the figures read a period's rollup rows from

Revision ID: 3c7d1e9f0a42
Revises: 8b1e6f3a9c20
Create Date: 2026-12-07 02:20:00.000000
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "3c7d1e9f0a42"
down_revision: str | None = "8b1e6f3a9c20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As bookings/figures_repository.RECOGNISED_MINOR and analytics/counted.EARNED_MINOR.
RECOGNISED = """CASE WHEN b.status IN ('confirmed', 'completed') THEN b.total_amount
    WHEN b.status IN ('cancelled', 'no_show') AND b.amount_paid - b.amount_refunded > 0
    THEN b.amount_paid - b.amount_refunded ELSE 0 END"""
EARNED = "CASE WHEN b.status IN ('confirmed', 'completed') THEN b.total_amount ELSE 0 END"


def upgrade() -> None:
    op.create_table(
        "counted_bookings",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("guests", sa.Integer(), nullable=False),
        sa.Column("recognised_minor", sa.BigInteger(), nullable=False),
        sa.Column("earned_minor", sa.BigInteger(), nullable=False),
        sa.Column("event_time", sa.Time(), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_counted_bookings_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counted_bookings")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_counted_bookings_booking_id")),
    )
    op.create_index(
        op.f("ix_counted_bookings_organization_id"),
        "counted_bookings",
        ["organization_id"],
        unique=False,
    )
    if op.get_bind().dialect.name == "postgresql":
        new_id, now = "gen_random_uuid()", "now()"
        lead = (
            "b.event_date - date(timezone(coalesce(nullif(o.timezone, ''), 'UTC'), b.created_at))"
        )
    else:  # SQLite counts a request's UTC day (bookings/figures_repository.lead_days)
        new_id, now = "lower(hex(randomblob(16)))", ":now"
        lead = "CAST(julianday(b.event_date) - julianday(date(b.created_at)) AS BIGINT)"
    op.get_bind().execute(
        sa.text(
            f"""
            INSERT INTO counted_bookings (id, organization_id, booking_id, day, status, event_type,
                guests, recognised_minor, earned_minor, event_time, city, lead_days, customer_id,
                created_at, updated_at)
            SELECT {new_id}, b.organization_id, b.id, b.event_date, b.status, b.event_type,
                b.guest_count, {RECOGNISED}, {EARNED}, b.event_time, b.city, {lead},
                b.customer_id, {now}, {now}
            FROM bookings b JOIN organizations o ON o.id = b.organization_id
            """
        ),
        {"now": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")},
    )

    _counted_cash()
    op.create_index(
        "ix_booking_day_figures_read",
        "booking_day_figures",
        ["organization_id", "day", "status", "event_type", "count", "guests"]
        + ["recognised_minor", "earned_minor"],
        unique=False,
    )
    op.create_index(
        "ix_booking_day_tallies_read",
        "booking_day_tallies",
        ["organization_id", "kind", "day", "key", "count", "amount_minor"],
        unique=False,
    )


def _counted_cash() -> None:
    op.create_table(
        "counted_cash",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counted_cash")),
        sa.UniqueConstraint("source_id", name=op.f("uq_counted_cash_source_id")),
    )
    op.create_index(
        "ix_counted_cash_payment", "counted_cash", ["organization_id", "payment_id"], unique=False
    )
    op.create_index(
        op.f("ix_counted_cash_organization_id"), "counted_cash", ["organization_id"], unique=False
    )
    sources = (
        ("payment", "payments", "p.id", "p.method"),
        ("refund", "refunds", "p.payment_id", "''"),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        zone = "coalesce(nullif(o.timezone, ''), 'UTC')"
        for kind, table, payment, method in sources:
            op.execute(
                f"""
                INSERT INTO counted_cash (id, organization_id, source_id, payment_id, kind, day,
                    method, amount_minor, created_at, updated_at)
                SELECT gen_random_uuid(), p.organization_id, p.id, {payment}, '{kind}',
                    date(timezone({zone}, p.succeeded_at)), {method}, p.amount, now(), now()
                FROM {table} p JOIN organizations o ON o.id = p.organization_id
                WHERE p.status = 'succeeded' AND p.succeeded_at IS NOT NULL
                """
            )
        return
    # SQLite knows no time zones: the local day of each moment is worked out here.
    zones = {
        org: ZoneInfo(zone or "UTC")
        for org, zone in bind.execute(sa.text("SELECT id, timezone FROM organizations"))
    }
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    counted = sa.table(
        "counted_cash",
        *(sa.column(c) for c in ("id", "organization_id", "source_id", "payment_id", "kind")),
        *(sa.column(c) for c in ("day", "method", "amount_minor", "created_at", "updated_at")),
    )
    for kind, table, payment, method in sources:
        rows = bind.execute(
            sa.text(
                f"SELECT p.organization_id, p.id, {payment}, {method}, p.amount, p.succeeded_at"
                f" FROM {table} p WHERE p.status = 'succeeded' AND p.succeeded_at IS NOT NULL"
            )
        ).all()
        op.bulk_insert(
            counted,
            [
                {
                    "id": uuid.uuid4().hex,
                    "organization_id": org,
                    "source_id": source,
                    "payment_id": paid,
                    "kind": kind,
                    "day": datetime.fromisoformat(str(moment))
                    .replace(tzinfo=UTC)
                    .astimezone(zones[org])
                    .date()
                    .isoformat(),
                    "method": how,
                    "amount_minor": int(amount),
                    "created_at": now,
                    "updated_at": now,
                }
                for org, source, paid, how, amount, moment in rows
            ],
        )


def downgrade() -> None:
    op.drop_index("ix_booking_day_tallies_read", table_name="booking_day_tallies")
    op.drop_index("ix_booking_day_figures_read", table_name="booking_day_figures")
    op.drop_index("ix_counted_cash_payment", table_name="counted_cash")
    op.drop_index(op.f("ix_counted_cash_organization_id"), table_name="counted_cash")
    op.drop_table("counted_cash")
    op.drop_index(op.f("ix_counted_bookings_organization_id"), table_name="counted_bookings")
    op.drop_table("counted_bookings")
