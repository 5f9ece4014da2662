"""Identity: encrypted user emails, sessions, MFA, API keys, locations, the audit log.

Revision ID: af6fe3358fe4
Revises: a2bd209fcbd7
Create Date: 2026-11-26 10:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "af6fe3358fe4"
down_revision: str | None = "a2bd209fcbd7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _entity_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["users.id"], name=f"fk_{table}_user_id_users", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "audit_logs",
        sa.Column("organization_id", sa.Uuid(), nullable=True),
        sa.Column("actor_user_id", sa.Uuid(), nullable=True),
        sa.Column("actor_api_key_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("resource_type", sa.String(length=50), nullable=False),
        sa.Column("resource_id", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=False),
        sa.Column("changes", JSON, nullable=False),
        *_entity_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_audit_logs"),
    )
    op.create_index("ix_audit_logs_action", "audit_logs", ["action"])
    op.create_index("ix_audit_logs_actor_user_id", "audit_logs", ["actor_user_id"])
    op.create_index("ix_audit_logs_org_created", "audit_logs", ["organization_id", "created_at"])

    op.create_table(
        "locations",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        *_entity_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_locations"),
    )
    op.create_index("ix_locations_organization_id", "locations", ["organization_id"])

    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        *_entity_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_login_throttles"),
        sa.UniqueConstraint("key", name="uq_login_throttles_key"),
    )
    op.create_table(
        "api_keys",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", JSON, nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        *_entity_columns(),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name="fk_api_keys_created_by_id_users",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )
    op.create_index("ix_api_keys_organization_id", "api_keys", ["organization_id"])

    op.create_table(
        "mfa_backup_codes",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        *_entity_columns(),
        _user_fk("mfa_backup_codes"),
        sa.PrimaryKeyConstraint("id", name="pk_mfa_backup_codes"),
    )
    op.create_index("ix_mfa_backup_codes_user_id", "mfa_backup_codes", ["user_id"])

    op.create_table(
        "password_reset_tokens",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        *_entity_columns(),
        _user_fk("password_reset_tokens"),
        sa.PrimaryKeyConstraint("id", name="pk_password_reset_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_password_reset_tokens_token_hash"),
    )
    op.create_index("ix_password_reset_tokens_user_id", "password_reset_tokens", ["user_id"])

    op.create_table(
        "refresh_tokens",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=True),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        *_entity_columns(),
        _user_fk("refresh_tokens"),
        sa.PrimaryKeyConstraint("id", name="pk_refresh_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_refresh_tokens_token_hash"),
    )
    op.create_index("ix_refresh_tokens_family_id", "refresh_tokens", ["family_id"])
    op.create_index("ix_refresh_tokens_user_id", "refresh_tokens", ["user_id"])

    with op.batch_alter_table("organizations") as batch_op:
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.alter_column("description", server_default=None)

    _users_upgrade()


def _users_upgrade() -> None:
    """Emails move to an encrypted column with a blind index; existing rows are sealed here."""
    false, zero, one = sa.false(), sa.text("0"), sa.text("1")
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("email_index", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("phone", sa.Text(), nullable=True))
        for name in ("first_name", "last_name"):
            batch_op.add_column(
                sa.Column(name, sa.String(length=100), nullable=False, server_default="")
            )
        for name, default in (
            ("is_super_admin", false),
            ("email_verified", false),
            ("mfa_enabled", false),
        ):
            batch_op.add_column(
                sa.Column(name, sa.Boolean(), nullable=False, server_default=default)
            )
        batch_op.add_column(
            sa.Column("token_version", sa.Integer(), nullable=False, server_default=one)
        )
        batch_op.add_column(
            sa.Column("mfa_last_step", sa.Integer(), nullable=False, server_default=zero)
        )
        batch_op.add_column(sa.Column("mfa_secret", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("google_subject", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint("uq_users_email", type_="unique")
        batch_op.alter_column("email", existing_type=sa.String(length=320), type_=sa.Text())

    from maitred.kit.crypto import active_keyring, normalize_email

    users = sa.table("users", sa.column("id"), sa.column("email"), sa.column("email_index"))
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.email)).all()
    if rows:
        keyring = active_keyring()
        for row_id, email in rows:
            connection.execute(
                users.update()
                .where(users.c.id == row_id)
                .values(
                    email=keyring.encrypt(email, context="users.email"),
                    email_index=keyring.blind_index(normalize_email(email), purpose="email"),
                )
            )

    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("email_index", existing_type=sa.String(length=64), nullable=False)
        for name in ("is_super_admin", "email_verified", "mfa_enabled"):
            batch_op.alter_column(name, existing_type=sa.Boolean(), server_default=None)
        for name in ("first_name", "last_name"):
            batch_op.alter_column(name, existing_type=sa.String(length=100), server_default=None)
        for name in ("token_version", "mfa_last_step"):
            batch_op.alter_column(name, existing_type=sa.Integer(), server_default=None)
        batch_op.create_unique_constraint("uq_users_email_index", ["email_index"])
        batch_op.create_unique_constraint("uq_users_google_subject", ["google_subject"])


def downgrade() -> None:
    """Back to plain emails (decrypted here) and the foundation's tables."""
    from maitred.kit.crypto import active_keyring

    users = sa.table("users", sa.column("id"), sa.column("email"))
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.email)).all()
    if rows:
        keyring = active_keyring()
        for row_id, sealed in rows:
            plain = keyring.decrypt(sealed, context="users.email")
            connection.execute(users.update().where(users.c.id == row_id).values(email=plain))
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint("uq_users_google_subject", type_="unique")
        batch_op.drop_constraint("uq_users_email_index", type_="unique")
        batch_op.alter_column("email", existing_type=sa.Text(), type_=sa.String(length=320))
        batch_op.create_unique_constraint("uq_users_email", ["email"])
        for name in (
            "last_login_at",
            "google_subject",
            "mfa_secret",
            "mfa_last_step",
            "token_version",
            "mfa_enabled",
            "email_verified",
            "is_super_admin",
            "last_name",
            "first_name",
            "phone",
            "email_index",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.drop_column("description")
    for table in (
        "refresh_tokens",
        "password_reset_tokens",
        "mfa_backup_codes",
        "api_keys",
        "login_throttles",
        "locations",
        "audit_logs",
    ):
        op.drop_table(table)
