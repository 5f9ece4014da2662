"""customer days: each local day a customer has a booking that went ahead, with their previous
such day, so the customers with a booking in a period are a count over an index; filled from
the bookings

Revision ID: e5a9c2d47b18
Revises: 3c7d1e9f0a42
Create Date: 2026-12-07 02:40:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "e5a9c2d47b18"
down_revision: str | None = "3c7d1e9f0a42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customer_days",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("previous_day", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_days_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_days")),
        sa.UniqueConstraint(
            "organization_id",
            "customer_id",
            "day",
            name=op.f("uq_customer_days_organization_id_customer_id_day"),
        ),
    )
    op.create_index(
        "ix_customer_days_read",
        "customer_days",
        ["organization_id", "day", "previous_day"],
        unique=False,
    )
    op.create_index(
        op.f("ix_customer_days_organization_id"),
        "customer_days",
        ["organization_id"],
        unique=False,
    )
    if op.get_bind().dialect.name == "postgresql":
        new_id, now = "gen_random_uuid()", "now()"
    else:
        new_id, now = "lower(hex(randomblob(16)))", ":now"
    op.get_bind().execute(
        sa.text(
            f"""
            INSERT INTO customer_days (id, organization_id, customer_id, day, previous_day,
                created_at, updated_at)
            SELECT {new_id}, organization_id, customer_id, day,
                lag(day) OVER (PARTITION BY organization_id, customer_id ORDER BY day),
                {now}, {now}
            FROM (SELECT DISTINCT organization_id, customer_id, event_date AS day
                  FROM bookings WHERE status != 'cancelled') AS booked
            """
        ),
        {"now": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")},
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_customer_days_organization_id"), table_name="customer_days")
    op.drop_index("ix_customer_days_read", table_name="customer_days")
    op.drop_table("customer_days")
