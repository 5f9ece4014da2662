"""booking day figures: the bookings of each local day, status and event type, summed (the
rollup the booking figures read), filled from the bookings already there

Revision ID: a650234e2828
Revises: dc95ad4aef43
Create Date: 2026-12-06 20:24:27.601474
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a650234e2828"
down_revision: str | None = "dc95ad4aef43"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "booking_day_figures",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("guests", sa.BigInteger(), nullable=False),
        sa.Column("recognised_minor", sa.BigInteger(), nullable=False),
        sa.Column("earned_minor", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_day_figures")),
        sa.UniqueConstraint(
            "organization_id",
            "day",
            "status",
            "event_type",
            name=op.f("uq_booking_day_figures_organization_id_day_status_event_type"),
        ),
    )
    with op.batch_alter_table("booking_day_figures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_booking_day_figures_organization_id"), ["organization_id"], unique=False
        )
    new_id = (
        "gen_random_uuid()"
        if op.get_bind().dialect.name == "postgresql"
        else "lower(hex(randomblob(16)))"
    )
    net = "(amount_paid - amount_refunded)"
    op.execute(
        f"""
        INSERT INTO booking_day_figures (id, organization_id, day, status, event_type, count,
            guests, recognised_minor, earned_minor, created_at, updated_at)
        SELECT {new_id}, organization_id, event_date, status, event_type, count(*),
            coalesce(sum(guest_count), 0),
            coalesce(sum(CASE WHEN status IN ('confirmed', 'completed') THEN total_amount
                WHEN status IN ('cancelled', 'no_show') AND {net} > 0 THEN {net}
                ELSE 0 END), 0),
            coalesce(sum(CASE WHEN status IN ('confirmed', 'completed') THEN total_amount
                ELSE 0 END), 0),
            CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
        FROM bookings
        GROUP BY organization_id, event_date, status, event_type
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("booking_day_figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_day_figures_organization_id"))

    op.drop_table("booking_day_figures")
