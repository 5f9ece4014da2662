"""customer span shifted years: each customer's sums over years starting on April, July and
October 1 too (spans "a", "j", "o"), filled from counted_bookings, and an index of each span's
customers by id with their sums: a year-long period's best customers on SQLite are then one
whole span's best few hundred and the customers of at most about six weeks at its edges, each
probed in that index (analytics/customer_spans._picked), instead of everyone summed.

Revision ID: 5e2c8a7f1d94
Revises: 9c4e7a1b5d30
Create Date: 2026-12-07 08:20:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "5e2c8a7f1d94"
down_revision: str | None = "9c4e7a1b5d30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PICK = ["organization_id", "span", "start", "customer_id", "count", "amount_minor"]
SHIFTED = {"a": 4, "j": 7, "o": 10}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        new_id, now = "gen_random_uuid()", "now()"
        starts = {
            span: f"(date_trunc('month', day) - make_interval(0, "
            f"(extract(month FROM day)::int - {month} + 12) % 12))::date"
            for span, month in SHIFTED.items()
        }
    else:
        new_id, now = "lower(hex(randomblob(16)))", ":now"
        starts = {
            span: f"date(day, 'start of month', printf('-%d months', "
            f"(CAST(strftime('%m', day) AS INTEGER) - {month} + 12) % 12))"
            for span, month in SHIFTED.items()
        }
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
    op.create_index("ix_customer_span_figures_pick", "customer_span_figures", PICK)


def downgrade() -> None:
    op.drop_index("ix_customer_span_figures_pick", table_name="customer_span_figures")
    op.execute("DELETE FROM customer_span_figures WHERE span IN ('a', 'j', 'o')")
