"""leads funnel index: the (organization, created) index of leads also carries what the sales
funnel groups by (source, owner, status, booking), so a period's funnel is read from the index
alone; it replaces ix_leads_org_created, whose columns lead it.

Revision ID: 9c4e7a1b5d30
Revises: 4b8e1f3a9d27
Create Date: 2026-12-07 07:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9c4e7a1b5d30"
down_revision: str | None = "4b8e1f3a9d27"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNNEL = ["organization_id", "created_at", "source", "assigned_to", "status", "booking_id"]


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch_op:
        batch_op.create_index("ix_leads_org_created_funnel", FUNNEL, unique=False)
        batch_op.drop_index("ix_leads_org_created")


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch_op:
        batch_op.create_index(
            "ix_leads_org_created", ["organization_id", "created_at"], unique=False
        )
        batch_op.drop_index("ix_leads_org_created_funnel")
