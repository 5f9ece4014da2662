"""booking day tallies and first bookings: per local event day, the bookings that went ahead by
start time, city, lead time and customer; and each customer's first such booking (the rollups
popular times, top cities, lead time and the customer figures read), filled from the bookings

Revision ID: 5d2f8c41b7e3
Revises: c966fe092bd1
Create Date: 2026-12-06 23:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d2f8c41b7e3"
down_revision: str | None = "c966fe092bd1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _entity() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "booking_day_tallies",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        *_entity(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_day_tallies")),
        sa.UniqueConstraint(
            "organization_id",
            "day",
            "kind",
            "key",
            name=op.f("uq_booking_day_tallies_organization_id_day_kind_key"),
        ),
    )
    op.create_index(
        op.f("ix_booking_day_tallies_organization_id"),
        "booking_day_tallies",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "customer_first_bookings",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        *_entity(),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_first_bookings_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_first_bookings")),
        sa.UniqueConstraint(
            "organization_id",
            "customer_id",
            name=op.f("uq_customer_first_bookings_organization_id_customer_id"),
        ),
    )
    op.create_index(
        "ix_customer_first_bookings_org_day",
        "customer_first_bookings",
        ["organization_id", "first_day"],
        unique=False,
    )
    op.create_index(
        op.f("ix_customer_first_bookings_organization_id"),
        "customer_first_bookings",
        ["organization_id"],
        unique=False,
    )
    _fill()


def _fill() -> None:
    """The same values as analytics/day_tallies.refresh_day and customer_firsts.refresh."""
    if op.get_bind().dialect.name == "postgresql":
        new_id = "gen_random_uuid()"
        at = "to_char(b.event_time, 'HH24:MI:SS')"
        lead = (
            "(b.event_date - date(timezone(coalesce(nullif(o.timezone, ''), 'UTC'),"
            " b.created_at)))::text"
        )
        customer = "b.customer_id::text"
    else:
        new_id = "lower(hex(randomblob(16)))"
        at = "substr(b.event_time, 1, 8)"
        lead = (
            "CAST(CAST(julianday(b.event_date) - julianday(date(b.created_at)) AS INTEGER) AS TEXT)"
        )
        c = "lower(b.customer_id)"
        customer = (
            f"substr({c}, 1, 8) || '-' || substr({c}, 9, 4) || '-' || substr({c}, 13, 4)"
            f" || '-' || substr({c}, 17, 4) || '-' || substr({c}, 21, 12)"
        )
    net = "(b.amount_paid - b.amount_refunded)"
    recognised = (
        f"coalesce(sum(CASE WHEN b.status IN ('confirmed', 'completed') THEN b.total_amount"
        f" WHEN b.status = 'no_show' AND {net} > 0 THEN {net} ELSE 0 END), 0)"
    )
    for kind, key, extra, amount in (
        ("time", at, "", "0"),
        ("city", "b.city", " AND b.city IS NOT NULL", "0"),
        ("lead", lead, "", "0"),
        ("customer", customer, "", recognised),
    ):
        op.execute(
            f"""
            INSERT INTO booking_day_tallies (id, organization_id, day, kind, key, count,
                amount_minor, created_at, updated_at)
            SELECT {new_id}, organization_id, day, '{kind}', key, n, amount,
                CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
            FROM (
                SELECT b.organization_id AS organization_id, b.event_date AS day,
                    {key} AS key, count(*) AS n, {amount} AS amount
                FROM bookings b JOIN organizations o ON o.id = b.organization_id
                WHERE b.status != 'cancelled'{extra}
                GROUP BY b.organization_id, b.event_date, {key}
            ) tallied
            """
        )
    op.execute(
        f"""
        INSERT INTO customer_first_bookings (id, organization_id, customer_id, first_day,
            created_at, updated_at)
        SELECT {new_id}, organization_id, customer_id, min(event_date),
            CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
        FROM bookings WHERE status != 'cancelled'
        GROUP BY organization_id, customer_id
        """
    )


def downgrade() -> None:
    op.drop_index("ix_customer_first_bookings_org_day", table_name="customer_first_bookings")
    op.drop_index(
        op.f("ix_customer_first_bookings_organization_id"), table_name="customer_first_bookings"
    )
    op.drop_table("customer_first_bookings")
    op.drop_index(op.f("ix_booking_day_tallies_organization_id"), table_name="booking_day_tallies")
    op.drop_table("booking_day_tallies")
