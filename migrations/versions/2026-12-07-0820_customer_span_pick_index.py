"""customer span pick index: each span's customers by id, with their sums, so a period's best
customers on SQLite probe the big span for a few thousand candidates from the index alone
(analytics/customer_spans._picked) instead of summing it whole.

Revision ID: 5e2c8a7f1d94
Revises: 9c4e7a1b5d30
Create Date: 2026-12-07 08:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5e2c8a7f1d94"
down_revision: str | None = "9c4e7a1b5d30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PICK = ["organization_id", "span", "start", "customer_id", "count", "amount_minor"]


def upgrade() -> None:
    op.create_index("ix_customer_span_figures_pick", "customer_span_figures", PICK)


def downgrade() -> None:
    op.drop_index("ix_customer_span_figures_pick", table_name="customer_span_figures")
