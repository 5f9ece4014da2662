"""customer span figures: each customer's bookings that went ahead and recognised revenue per
local day, month and year, keyed by the customer's id, so a period's best customers read about
one row per customer; filled from the counted bookings (the rollups equal them). The customer
tallies of booking_day_tallies, which they replace, are deleted.

On PostgreSQL, VACUUM (ANALYZE) the table after this (`maitred` cannot inside the migration's
transaction; autovacuum does it in time): until then its reads cannot be index-only.

Revision ID: 7d2b4f6a8c13
Revises: e5a9c2d47b18
Create Date: 2026-12-07 05:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "7d2b4f6a8c13"
down_revision: str | None = "e5a9c2d47b18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customer_span_figures",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("span", sa.String(length=1), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_span_figures")),
        sa.UniqueConstraint(
            "organization_id",
            "customer_id",
            "span",
            "start",
            name=op.f("uq_customer_span_figures_organization_id_customer_id_span_start"),
        ),
    )
    op.create_index(
        op.f("ix_customer_span_figures_organization_id"),
        "customer_span_figures",
        ["organization_id"],
        unique=False,
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        new_id, now = "gen_random_uuid()", "now()"
        starts = {
            "d": "day",
            "m": "date_trunc('month', day)::date",
            "y": "date_trunc('year', day)::date",
        }
    else:
        new_id, now = "lower(hex(randomblob(16)))", ":now"
        starts = {"d": "day", "m": "date(day, 'start of month')", "y": "date(day, 'start of year')"}
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    for span, start in starts.items():
        bind.execute(
            sa.text(
                f"""
                INSERT INTO customer_span_figures (id, organization_id, customer_id, span, start,
                    count, amount_minor, created_at, updated_at)
                SELECT {new_id}, organization_id, customer_id, '{span}', {start}, count(*),
                    sum(recognised_minor), {now}, {now}
                FROM counted_bookings WHERE status != 'cancelled'
                GROUP BY organization_id, customer_id, {start}
                """
            ),
            {"now": stamp},
        )
    op.create_index(
        "ix_customer_span_figures_read",
        "customer_span_figures",
        ["organization_id", "span", "start", "amount_minor", "count", "customer_id"],
        unique=False,
    )
    bind.execute(sa.text("DELETE FROM booking_day_tallies WHERE kind = 'customer'"))


def downgrade() -> None:
    op.drop_index("ix_customer_span_figures_read", table_name="customer_span_figures")
    op.drop_index(
        op.f("ix_customer_span_figures_organization_id"), table_name="customer_span_figures"
    )
    op.drop_table("customer_span_figures")
