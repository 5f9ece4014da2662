"""Booking and waitlist locations, CRM event locations and message bodies are encrypted.

Existing rows are sealed in place (and unsealed on the way down) with the active keyring, as the
identity migration did for emails. JSON addresses become encrypted JSON text.

Revision ID: 4433e345b38b
Revises: d4cde5525ed2
Create Date: 2026-12-06 14:15:12.862319
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "4433e345b38b"
down_revision: str | None = "d4cde5525ed2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# (table, column): each value's encryption context is "table.column", as in the models.
SEALED = (
    ("bookings", "location"),
    ("bookings", "location_details"),
    ("waitlist_entries", "location"),
    ("waitlist_entries", "location_details"),
    ("crm_records", "event_location"),
    ("messages", "body_text"),
    ("messages", "body_html"),
)
BATCH = 500


def _rewrite(table: str, column: str, change: Callable[[str], str | None]) -> None:
    """Every non-null value of the column through `change` (None: leave it), in id order."""
    rows = sa.table(table, sa.column("id", sa.Uuid()), sa.column(column, sa.Text()))
    connection = op.get_bind()
    last = None
    while True:
        statement = sa.select(rows.c.id, rows.c[column]).where(rows.c[column].is_not(None))
        if last is not None:
            statement = statement.where(rows.c.id > last)
        batch = connection.execute(statement.order_by(rows.c.id).limit(BATCH)).all()
        for row_id, value in batch:
            changed = change(value)
            if changed is not None:
                connection.execute(
                    rows.update().where(rows.c.id == row_id).values({column: changed})
                )
        if len(batch) < BATCH:
            return
        last = batch[-1][0]


def upgrade() -> None:
    for table in ("bookings", "waitlist_entries"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(
                "location_details", existing_type=JSON, type_=sa.Text(), existing_nullable=False
            )
    with op.batch_alter_table("crm_records") as batch_op:
        batch_op.alter_column(
            "event_location",
            existing_type=sa.String(length=300),
            type_=sa.Text(),
            existing_nullable=False,
        )

    from maitred.kit.crypto import VERSION, active_keyring

    keyring = active_keyring()
    for table, column in SEALED:
        context = f"{table}.{column}"

        def seal(value: str, context: str = context) -> str | None:
            if value.startswith(f"{VERSION}."):
                try:
                    keyring.decrypt(value, context=context)
                    return None  # sealed already (a migration run again)
                except Exception:  # plain text that only looks sealed
                    pass
            return keyring.encrypt(value, context=context)

        _rewrite(table, column, seal)


def downgrade() -> None:
    from maitred.kit.crypto import VERSION, active_keyring

    keyring = active_keyring()
    for table, column in SEALED:
        context = f"{table}.{column}"

        def unseal(value: str, context: str = context) -> str | None:
            if not value.startswith(f"{VERSION}."):
                return None
            return keyring.decrypt(value, context=context)

        _rewrite(table, column, unseal)

    with op.batch_alter_table("crm_records") as batch_op:
        batch_op.alter_column(
            "event_location",
            existing_type=sa.Text(),
            type_=sa.String(length=300),
            existing_nullable=False,
        )
    for table in ("bookings", "waitlist_entries"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(
                "location_details",
                existing_type=sa.Text(),
                type_=JSON,
                existing_nullable=False,
                postgresql_using="location_details::jsonb",
            )
