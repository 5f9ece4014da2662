"""ai concierge: threads, messages, tool-call audit, confirmations, usage ledger, FAQ, settings

Revision ID: 0e23a54aecdb
Revises: 3b8f2d6e4a17
Create Date: 2026-12-06 17:02:08.573761
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0e23a54aecdb"
down_revision: str | None = "3b8f2d6e4a17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ai_faq",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("asked_count", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_faq")),
    )
    with op.batch_alter_table("ai_faq", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ai_faq_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "ai_settings",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column(
            "channel_modes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("monthly_budget_micros", sa.Integer(), nullable=True),
        sa.Column(
            "price_table",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("llm_base_url", sa.String(length=500), nullable=True),
        sa.Column("llm_model", sa.String(length=200), nullable=True),
        sa.Column("llm_api_key", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_settings")),
        sa.UniqueConstraint("organization_id", name=op.f("uq_ai_settings_organization_id")),
    )
    with op.batch_alter_table("ai_settings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ai_settings_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "ai_threads",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("verified_customer_id", sa.Uuid(), nullable=True),
        sa.Column("conversation_id", sa.Uuid(), nullable=True),
        sa.Column("owner_user_id", sa.Uuid(), nullable=True),
        sa.Column("assigned_user_id", sa.Uuid(), nullable=True),
        sa.Column("handoff_reason", sa.String(length=200), nullable=True),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("last_intent", sa.String(length=40), nullable=True),
        sa.Column("cost_micros", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_user_id"],
            ["users.id"],
            name=op.f("fk_ai_threads_assigned_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_ai_threads_conversation_id_conversations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_ai_threads_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"],
            ["users.id"],
            name=op.f("fk_ai_threads_owner_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["verified_customer_id"],
            ["customers.id"],
            name=op.f("fk_ai_threads_verified_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_threads")),
    )
    with op.batch_alter_table("ai_threads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ai_threads_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            "ix_ai_threads_org_conversation", ["organization_id", "conversation_id"], unique=False
        )
        batch_op.create_index(
            "ix_ai_threads_org_updated", ["organization_id", "updated_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ai_threads_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "ai_confirmations",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("thread_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("tool", sa.String(length=40), nullable=False),
        sa.Column("arguments", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["ai_threads.id"],
            name=op.f("fk_ai_confirmations_thread_id_ai_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_confirmations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_ai_confirmations_token_hash")),
    )
    with op.batch_alter_table("ai_confirmations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ai_confirmations_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "ai_messages",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("thread_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("intent", sa.String(length=40), nullable=True),
        sa.Column("sentiment", sa.Float(), nullable=True),
        sa.Column("engine", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "tool_calls",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["ai_threads.id"],
            name=op.f("fk_ai_messages_thread_id_ai_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_messages")),
    )
    with op.batch_alter_table("ai_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ai_messages_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            "ix_ai_messages_thread_created", ["thread_id", "created_at"], unique=False
        )

    op.create_table(
        "ai_tool_calls",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("thread_id", sa.Uuid(), nullable=True),
        sa.Column("tool", sa.String(length=40), nullable=False),
        sa.Column("arguments", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("actor_user_id", sa.Uuid(), nullable=True),
        sa.Column("engine", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["users.id"],
            name=op.f("fk_ai_tool_calls_actor_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["ai_threads.id"],
            name=op.f("fk_ai_tool_calls_thread_id_ai_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_tool_calls")),
    )
    with op.batch_alter_table("ai_tool_calls", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ai_tool_calls_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            "ix_ai_tool_calls_thread_created", ["thread_id", "created_at"], unique=False
        )

    op.create_table(
        "ai_usage",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("thread_id", sa.Uuid(), nullable=True),
        sa.Column("endpoint", sa.String(length=40), nullable=False),
        sa.Column("engine", sa.String(length=20), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("input_tokens", sa.Integer(), nullable=False),
        sa.Column("output_tokens", sa.Integer(), nullable=False),
        sa.Column("cost_micros", sa.Integer(), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("fallback_reason", sa.String(length=40), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["ai_threads.id"],
            name=op.f("fk_ai_usage_thread_id_ai_threads"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_usage")),
    )
    with op.batch_alter_table("ai_usage", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ai_usage_org_created", ["organization_id", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ai_usage_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ai_usage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ai_usage_organization_id"))
        batch_op.drop_index("ix_ai_usage_org_created")

    op.drop_table("ai_usage")
    with op.batch_alter_table("ai_tool_calls", schema=None) as batch_op:
        batch_op.drop_index("ix_ai_tool_calls_thread_created")
        batch_op.drop_index(batch_op.f("ix_ai_tool_calls_organization_id"))

    op.drop_table("ai_tool_calls")
    with op.batch_alter_table("ai_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_ai_messages_thread_created")
        batch_op.drop_index(batch_op.f("ix_ai_messages_organization_id"))

    op.drop_table("ai_messages")
    with op.batch_alter_table("ai_confirmations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ai_confirmations_organization_id"))

    op.drop_table("ai_confirmations")
    with op.batch_alter_table("ai_threads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ai_threads_organization_id"))
        batch_op.drop_index("ix_ai_threads_org_updated")
        batch_op.drop_index("ix_ai_threads_org_conversation")
        batch_op.drop_index(batch_op.f("ix_ai_threads_customer_id"))

    op.drop_table("ai_threads")
    with op.batch_alter_table("ai_settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ai_settings_organization_id"))

    op.drop_table("ai_settings")
    with op.batch_alter_table("ai_faq", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ai_faq_organization_id"))

    op.drop_table("ai_faq")
