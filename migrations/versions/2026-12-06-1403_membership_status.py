"""membership status: invitations an account holder accepts, deactivation per organization

Revision ID: 2529fc6cca6e
Revises: 88fe4f5d9dad
Create Date: 2026-12-06 14:03:12.074073
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2529fc6cca6e"
down_revision: str | None = "88fe4f5d9dad"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), server_default="active", nullable=False)
        )
    # A user an organization deactivated used to be deactivated everywhere (users.is_active):
    # that switch now belongs to the platform, so such users become deactivated members of
    # each of their organizations and their account is active again.
    op.execute(
        "UPDATE memberships SET status = 'deactivated' WHERE user_id IN "
        "(SELECT id FROM users WHERE is_active = false)"
    )
    op.execute("UPDATE users SET is_active = true WHERE is_active = false")


def downgrade() -> None:
    op.execute(
        "UPDATE users SET is_active = false WHERE id IN "
        "(SELECT user_id FROM memberships WHERE status = 'deactivated')"
    )
    op.execute("DELETE FROM memberships WHERE status = 'invited'")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_column("status")
