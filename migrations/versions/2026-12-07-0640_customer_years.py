"""customer years: each local year a customer has a booking that went ahead, with its first
and last such day and the customer's previous one, so the customers with a booking in a period
across a year's edge are counted over about one row per customer and year; filled from
customer_days (which equal the bookings).

On PostgreSQL, VACUUM (ANALYZE) the table after this (as for customer_span_figures): until then
its reads cannot be index-only.

Revision ID: 4b8e1f3a9d27
Revises: 7d2b4f6a8c13
Create Date: 2026-12-07 06:40:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "4b8e1f3a9d27"
down_revision: str | None = "7d2b4f6a8c13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customer_years",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("year_start", sa.Date(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("previous_day", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_years_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_years")),
        sa.UniqueConstraint(
            "organization_id",
            "customer_id",
            "year_start",
            name=op.f("uq_customer_years_organization_id_customer_id_year_start"),
        ),
    )
    op.create_index(
        op.f("ix_customer_years_organization_id"),
        "customer_years",
        ["organization_id"],
        unique=False,
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        new_id, now, year = "gen_random_uuid()", "now()", "date_trunc('year', day)::date"
    else:
        new_id, now, year = "lower(hex(randomblob(16)))", ":now", "date(day, 'start of year')"
    # Within a year only its first day's previous day is before the year (analytics/rollups).
    bind.execute(
        sa.text(
            f"""
            INSERT INTO customer_years (id, organization_id, customer_id, year_start, first_day,
                last_day, previous_day, created_at, updated_at)
            SELECT {new_id}, organization_id, customer_id, {year}, min(day), max(day),
                CASE WHEN min(previous_day) < {year} THEN min(previous_day) END, {now}, {now}
            FROM customer_days
            GROUP BY organization_id, customer_id, {year}
            """
        ),
        {"now": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")},
    )
    op.create_index(
        "ix_customer_years_first",
        "customer_years",
        ["organization_id", "first_day", "previous_day"],
        unique=False,
    )
    op.create_index(
        "ix_customer_years_last", "customer_years", ["organization_id", "last_day"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_customer_years_last", table_name="customer_years")
    op.drop_index("ix_customer_years_first", table_name="customer_years")
    op.drop_index(op.f("ix_customer_years_organization_id"), table_name="customer_years")
    op.drop_table("customer_years")
