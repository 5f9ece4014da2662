"""outbox events whose deliveries the worker writes: a booking request writes its events only

Revision ID: 3b8f2d6e4a17
Revises: 094749a580d2
Create Date: 2026-12-06 17:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b8f2d6e4a17"
down_revision: str | None = "094749a580d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fanned_out", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.create_index(
            "ix_outbox_events_fan_out", ["fanned_out", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_events_fan_out")
        batch_op.drop_column("fanned_out")
