"""preferred languages: of customers and leads, and the language of a notification template

Revision ID: 4121a1c9086b
Revises: 19d139532e43
Create Date: 2026-12-06 17:09:29.082765
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4121a1c9086b"
down_revision: str | None = "19d139532e43"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_UNIQUE = "uq_notification_templates_organization_id_name_channel"
NEW_UNIQUE = "uq_notification_templates_organization_id_name_channel_language"


def upgrade() -> None:
    for table in ("customers", "leads"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("preferred_language", sa.String(length=8), nullable=True))
    # The templates written so far are English ones.
    with op.batch_alter_table("notification_templates") as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), server_default="en", nullable=False)
        )
        batch_op.drop_constraint(batch_op.f(OLD_UNIQUE), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f(NEW_UNIQUE), ["organization_id", "name", "channel", "language"]
        )


def downgrade() -> None:
    op.execute("DELETE FROM notification_templates WHERE language <> 'en'")
    with op.batch_alter_table("notification_templates") as batch_op:
        batch_op.drop_constraint(batch_op.f(NEW_UNIQUE), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f(OLD_UNIQUE), ["organization_id", "name", "channel"]
        )
        batch_op.drop_column("language")
    for table in ("leads", "customers"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("preferred_language")
