"""verified customer links and possible duplicates

An account reaches a customer record only through a verified email or phone: the proofs are
kept in contact_verifications, and links made before (matched on an address nobody verified)
are undone here; their holders verify to get them back. A public form that shares only a phone
with a customer is kept apart as a possible duplicate, so email and phone are unique among the
other records only.

Revision ID: d4cde5525ed2
Revises: 2529fc6cca6e
Create Date: 2026-12-06 14:04:14.840240
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d4cde5525ed2"
down_revision: str | None = "2529fc6cca6e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact_verifications",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("address_index", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_contact_verifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_verifications")),
    )
    with op.batch_alter_table("contact_verifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_verifications_organization_id"),
            ["organization_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_contact_verifications_secret_hash"), ["secret_hash"], unique=False
        )
        batch_op.create_index("ix_contact_verifications_user", ["user_id", "channel"], unique=False)

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("possible_duplicate_of", sa.Uuid(), nullable=True))
        batch_op.drop_constraint(
            batch_op.f("uq_customers_organization_id_email_index"), type_="unique"
        )
        batch_op.drop_constraint(
            batch_op.f("uq_customers_organization_id_phone_index"), type_="unique"
        )
        batch_op.create_index(
            batch_op.f("ix_customers_possible_duplicate_of"),
            ["possible_duplicate_of"],
            unique=False,
        )
        batch_op.create_index(
            "uq_customers_org_email",
            ["organization_id", "email_index"],
            unique=True,
            sqlite_where=sa.text("possible_duplicate_of IS NULL"),
            postgresql_where=sa.text("possible_duplicate_of IS NULL"),
        )
        batch_op.create_index(
            "uq_customers_org_phone",
            ["organization_id", "phone_index"],
            unique=True,
            sqlite_where=sa.text("possible_duplicate_of IS NULL"),
            postgresql_where=sa.text("possible_duplicate_of IS NULL"),
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_customers_possible_duplicate_of_customers"),
            "customers",
            ["possible_duplicate_of"],
            ["id"],
            ondelete="SET NULL",
        )

    op.execute(
        "UPDATE customers SET user_id = NULL WHERE user_id IN "
        "(SELECT id FROM users WHERE NOT email_verified)"
    )


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_customers_possible_duplicate_of_customers"), type_="foreignkey"
        )
        batch_op.drop_index(
            "uq_customers_org_phone",
            sqlite_where=sa.text("possible_duplicate_of IS NULL"),
            postgresql_where=sa.text("possible_duplicate_of IS NULL"),
        )
        batch_op.drop_index(
            "uq_customers_org_email",
            sqlite_where=sa.text("possible_duplicate_of IS NULL"),
            postgresql_where=sa.text("possible_duplicate_of IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_customers_possible_duplicate_of"))
        batch_op.create_unique_constraint(
            batch_op.f("uq_customers_organization_id_phone_index"),
            ["organization_id", "phone_index"],
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_customers_organization_id_email_index"),
            ["organization_id", "email_index"],
        )
        batch_op.drop_column("possible_duplicate_of")

    with op.batch_alter_table("contact_verifications", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_verifications_user")
        batch_op.drop_index(batch_op.f("ix_contact_verifications_secret_hash"))
        batch_op.drop_index(batch_op.f("ix_contact_verifications_organization_id"))

    op.drop_table("contact_verifications")
