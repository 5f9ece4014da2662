"""locations of chef teams and events: analytics filter a location's bookings by their team or event

Revision ID: 11bbfb5ebed1
Revises: 0e23a54aecdb
Create Date: 2026-12-06 19:57:54.314757
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "11bbfb5ebed1"
down_revision: str | None = "0e23a54aecdb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("chef_teams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("location_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_chef_teams_location_id"), ["location_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_chef_teams_location_id_locations"),
            "locations",
            ["location_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("location_id", sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f("ix_events_location_id"), ["location_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_events_location_id_locations"),
            "locations",
            ["location_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_events_location_id_locations"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_events_location_id"))
        batch_op.drop_column("location_id")

    with op.batch_alter_table("chef_teams", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_chef_teams_location_id_locations"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_chef_teams_location_id"))
        batch_op.drop_column("location_id")
