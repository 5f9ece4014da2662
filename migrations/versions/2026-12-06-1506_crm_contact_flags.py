"""crm contact flags: an outside system's malformed contact field is kept as sent and flagged

Revision ID: f6c0bc4732f9
Revises: 4433e345b38b
Create Date: 2026-12-06 15:06:16.205999
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "f6c0bc4732f9"
down_revision: str | None = "4433e345b38b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("crm_records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "contact_flags",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                server_default="{}",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("crm_records", schema=None) as batch_op:
        batch_op.drop_column("contact_flags")
