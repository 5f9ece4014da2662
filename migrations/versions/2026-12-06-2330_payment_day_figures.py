"""payment day figures: succeeded payments by method and succeeded refunds of each local day (the
organization's zone), the rollup cash collected reads, filled from the payments there

Revision ID: 8b1e6f3a9c20
Revises: 5d2f8c41b7e3
Create Date: 2026-12-06 23:30:00.000000
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "8b1e6f3a9c20"
down_revision: str | None = "5d2f8c41b7e3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "payment_day_figures",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_day_figures")),
        sa.UniqueConstraint(
            "organization_id",
            "day",
            "kind",
            "method",
            name=op.f("uq_payment_day_figures_organization_id_day_kind_method"),
        ),
    )
    op.create_index(
        op.f("ix_payment_day_figures_organization_id"),
        "payment_day_figures",
        ["organization_id"],
        unique=False,
    )
    if op.get_bind().dialect.name == "postgresql":
        _fill_in_sql()
    else:
        _fill_in_python()


def _fill_in_sql() -> None:
    zone = "coalesce(nullif(o.timezone, ''), 'UTC')"
    for kind, table, method, by in (
        ("payment", "payments", "p.method", ", p.method"),
        ("refund", "refunds", "''", ""),
    ):
        op.execute(
            f"""
            INSERT INTO payment_day_figures (id, organization_id, day, kind, method, count,
                amount_minor, created_at, updated_at)
            SELECT gen_random_uuid(), p.organization_id, date(timezone({zone}, p.succeeded_at)),
                '{kind}', {method}, count(*), sum(p.amount), now(), now()
            FROM {table} p JOIN organizations o ON o.id = p.organization_id
            WHERE p.status = 'succeeded' AND p.succeeded_at IS NOT NULL
            GROUP BY p.organization_id, date(timezone({zone}, p.succeeded_at)){by}
            """
        )


def _fill_in_python() -> None:
    """SQLite knows no time zones: the local day of each moment is worked out here."""
    bind = op.get_bind()
    zones = {
        org: ZoneInfo(zone or "UTC")
        for org, zone in bind.execute(sa.text("SELECT id, timezone FROM organizations"))
    }
    sums: dict[tuple[str, date, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for kind, table, method in (("payment", "payments", "method"), ("refund", "refunds", "''")):
        rows = bind.execute(
            sa.text(
                f"SELECT organization_id, succeeded_at, {method}, amount FROM {table}"
                " WHERE status = 'succeeded' AND succeeded_at IS NOT NULL"
            )
        )
        for org, moment, how, amount in rows:
            at = datetime.fromisoformat(str(moment)).replace(tzinfo=UTC)
            total = sums[(org, at.astimezone(zones[org]).date(), kind, how)]
            total[0] += 1
            total[1] += int(amount)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    op.bulk_insert(
        sa.table(
            "payment_day_figures",
            *(sa.column(c) for c in ("id", "organization_id", "day", "kind", "method")),
            *(sa.column(c) for c in ("count", "amount_minor", "created_at", "updated_at")),
        ),
        [
            {
                "id": uuid.uuid4().hex,
                "organization_id": org,
                "day": day.isoformat(),
                "kind": kind,
                "method": how,
                "count": n,
                "amount_minor": cents,
                "created_at": now,
                "updated_at": now,
            }
            for (org, day, kind, how), (n, cents) in sums.items()
        ],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_payment_day_figures_organization_id"), table_name="payment_day_figures")
    op.drop_table("payment_day_figures")
