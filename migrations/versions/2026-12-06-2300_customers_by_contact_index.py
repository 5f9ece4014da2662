"""customers by contact index: full indexes on each contact's blind index, so that "who shares
this email or phone" (an OR) is read through them instead of a scan of every customer

Revision ID: c966fe092bd1
Revises: a650234e2828
Create Date: 2026-12-06 22:49:22.475185
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c966fe092bd1"
down_revision: str | None = "a650234e2828"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customers_org_email_index", ["organization_id", "email_index"], unique=False
        )
        batch_op.create_index(
            "ix_customers_org_phone_index", ["organization_id", "phone_index"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_org_phone_index")
        batch_op.drop_index("ix_customers_org_email_index")
