"""The booking book: menu, customers, leads, capacity, bookings, waitlist, number series

Revision ID: 60eab8a23661
Revises: af6fe3358fe4
Create Date: 2026-11-26 11:13:57.331636
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "60eab8a23661"
down_revision: str | None = "af6fe3358fe4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "capacity_days",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_days")),
        sa.UniqueConstraint(
            "organization_id", "day", name=op.f("uq_capacity_days_organization_id_day")
        ),
    )
    with op.batch_alter_table("capacity_days", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_capacity_days_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "chef_teams",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("working_weekdays", JSON, nullable=False),
        sa.Column("time_off", JSON, nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chef_teams")),
    )
    with op.batch_alter_table("chef_teams", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chef_teams_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "dropped_submissions",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("form", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dropped_submissions")),
        sa.UniqueConstraint(
            "organization_id",
            "form",
            "day",
            name=op.f("uq_dropped_submissions_organization_id_form_day"),
        ),
    )
    with op.batch_alter_table("dropped_submissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dropped_submissions_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "menu_categories",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_menu_categories")),
    )
    with op.batch_alter_table("menu_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_menu_categories_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "number_series",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("series", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_number_series")),
        sa.UniqueConstraint(
            "organization_id",
            "series",
            "year",
            name=op.f("uq_number_series_organization_id_series_year"),
        ),
    )
    with op.batch_alter_table("number_series", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_number_series_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "capacity_claims",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["chef_teams.id"],
            name=op.f("fk_capacity_claims_team_id_chef_teams"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_claims")),
    )
    with op.batch_alter_table("capacity_claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_capacity_claims_booking_id"), ["booking_id"], unique=False
        )
        batch_op.create_index(
            "ix_capacity_claims_org_day", ["organization_id", "day"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_capacity_claims_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            "ix_capacity_claims_team_starts", ["team_id", "starts_at"], unique=False
        )

    op.create_table(
        "customers",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("email_index", sa.String(length=64), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("phone_index", sa.String(length=64), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("dietary_restrictions", JSON, nullable=False),
        sa.Column("preferred_contact", sa.String(length=16), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column("loyalty_tier", sa.String(length=32), nullable=False),
        sa.Column("loyalty_points", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_customers_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint(
            "organization_id", "email_index", name=op.f("uq_customers_organization_id_email_index")
        ),
        sa.UniqueConstraint(
            "organization_id", "phone_index", name=op.f("uq_customers_organization_id_phone_index")
        ),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index("ix_customers_org_name", ["organization_id", "name"], unique=False)
        batch_op.create_index(
            "ix_customers_org_tier", ["organization_id", "loyalty_tier"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_customers_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_customers_user_id"), ["user_id"], unique=False)

    op.create_table(
        "menu_items",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("pricing_unit", sa.String(length=16), nullable=False),
        sa.Column("dietary_tags", JSON, nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["menu_categories.id"],
            name=op.f("fk_menu_items_category_id_menu_categories"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_menu_items")),
    )
    with op.batch_alter_table("menu_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_menu_items_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index("ix_menu_items_org_name", ["organization_id", "name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_menu_items_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "bookings",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("reference_number", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("event_time", sa.Time(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("guest_count", sa.Integer(), nullable=False),
        sa.Column("child_count", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("location_details", JSON, nullable=False),
        sa.Column("zip_code", sa.String(length=10), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("special_requests", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("service_fee", sa.BigInteger(), nullable=False),
        sa.Column("travel_fee", sa.BigInteger(), nullable=False),
        sa.Column("tax", sa.BigInteger(), nullable=False),
        sa.Column("total_amount", sa.BigInteger(), nullable=False),
        sa.Column("deposit_amount", sa.BigInteger(), nullable=False),
        sa.Column("amount_paid", sa.BigInteger(), nullable=False),
        sa.Column("pricing", JSON, nullable=False),
        sa.Column("chef_team_id", sa.Uuid(), nullable=True),
        sa.Column("hold_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancellation_reason", sa.Text(), nullable=True),
        sa.Column("lead_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chef_team_id"],
            ["chef_teams.id"],
            name=op.f("fk_bookings_chef_team_id_chef_teams"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_bookings_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_bookings_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sa.UniqueConstraint(
            "organization_id",
            "reference_number",
            name=op.f("uq_bookings_organization_id_reference_number"),
        ),
    )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bookings_chef_team_id"), ["chef_team_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_bookings_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index(
            "ix_bookings_org_created", ["organization_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_bookings_org_customer_date",
            ["organization_id", "customer_id", "event_date"],
            unique=False,
        )
        batch_op.create_index(
            "ix_bookings_org_date", ["organization_id", "event_date"], unique=False
        )
        batch_op.create_index(
            "ix_bookings_org_status_date", ["organization_id", "status", "event_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_bookings_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "contact_consents",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("address_index", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("lead_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_contact_consents_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_consents")),
    )
    with op.batch_alter_table("contact_consents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_consents_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contact_consents_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index(
            "ix_contact_consents_org_address", ["organization_id", "address_index"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contact_consents_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "leads",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("phone_index", sa.String(length=64), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("email_index", sa.String(length=64), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column("extra", JSON, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("lost_reason", sa.Text(), nullable=True),
        sa.Column("assigned_to", sa.Uuid(), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("guest_count", sa.Integer(), nullable=True),
        sa.Column("event_type", sa.String(length=32), nullable=True),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("booking_id", sa.Uuid(), nullable=True),
        sa.Column("converted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_to"],
            ["users.id"],
            name=op.f("fk_leads_assigned_to_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_leads_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leads_assigned_to"), ["assigned_to"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_booking_id"), ["booking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_email_index"), ["email_index"], unique=False)
        batch_op.create_index(
            "ix_leads_org_created", ["organization_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_leads_org_status_created", ["organization_id", "status", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_leads_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_leads_phone_index"), ["phone_index"], unique=False)

    op.create_table(
        "booking_lines",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("menu_item_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("pricing_unit", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_booking_lines_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["menu_item_id"],
            ["menu_items.id"],
            name=op.f("fk_booking_lines_menu_item_id_menu_items"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_lines")),
    )
    with op.batch_alter_table("booking_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_booking_lines_booking_id"), ["booking_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_booking_lines_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "booking_status_changes",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_booking_status_changes_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["users.id"],
            name=op.f("fk_booking_status_changes_changed_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_status_changes")),
    )
    with op.batch_alter_table("booking_status_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_booking_status_changes_booking_id"), ["booking_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_booking_status_changes_organization_id"),
            ["organization_id"],
            unique=False,
        )

    op.create_table(
        "lead_notes",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_lead_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_lead_notes_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_notes")),
    )
    with op.batch_alter_table("lead_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_notes_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_lead_notes_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "waitlist_entries",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("preferred_date", sa.Date(), nullable=False),
        sa.Column("preferred_time", sa.Time(), nullable=True),
        sa.Column("guest_count", sa.Integer(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("location_details", JSON, nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("offer_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("booking_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_waitlist_entries_booking_id_bookings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_waitlist_entries_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist_entries")),
    )
    with op.batch_alter_table("waitlist_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_waitlist_entries_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            "ix_waitlist_org_date_status",
            ["organization_id", "preferred_date", "status"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("waitlist_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_waitlist_org_date_status")
        batch_op.drop_index(batch_op.f("ix_waitlist_entries_organization_id"))

    op.drop_table("waitlist_entries")
    with op.batch_alter_table("lead_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_notes_organization_id"))
        batch_op.drop_index(batch_op.f("ix_lead_notes_lead_id"))

    op.drop_table("lead_notes")
    with op.batch_alter_table("booking_status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_status_changes_organization_id"))
        batch_op.drop_index(batch_op.f("ix_booking_status_changes_booking_id"))

    op.drop_table("booking_status_changes")
    with op.batch_alter_table("booking_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_lines_organization_id"))
        batch_op.drop_index(batch_op.f("ix_booking_lines_booking_id"))

    op.drop_table("booking_lines")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leads_phone_index"))
        batch_op.drop_index(batch_op.f("ix_leads_organization_id"))
        batch_op.drop_index("ix_leads_org_status_created")
        batch_op.drop_index("ix_leads_org_created")
        batch_op.drop_index(batch_op.f("ix_leads_email_index"))
        batch_op.drop_index(batch_op.f("ix_leads_customer_id"))
        batch_op.drop_index(batch_op.f("ix_leads_booking_id"))
        batch_op.drop_index(batch_op.f("ix_leads_assigned_to"))

    op.drop_table("leads")
    with op.batch_alter_table("contact_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_consents_organization_id"))
        batch_op.drop_index("ix_contact_consents_org_address")
        batch_op.drop_index(batch_op.f("ix_contact_consents_lead_id"))
        batch_op.drop_index(batch_op.f("ix_contact_consents_customer_id"))

    op.drop_table("contact_consents")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bookings_organization_id"))
        batch_op.drop_index("ix_bookings_org_status_date")
        batch_op.drop_index("ix_bookings_org_date")
        batch_op.drop_index("ix_bookings_org_customer_date")
        batch_op.drop_index("ix_bookings_org_created")
        batch_op.drop_index(batch_op.f("ix_bookings_lead_id"))
        batch_op.drop_index(batch_op.f("ix_bookings_chef_team_id"))

    op.drop_table("bookings")
    with op.batch_alter_table("menu_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_menu_items_organization_id"))
        batch_op.drop_index("ix_menu_items_org_name")
        batch_op.drop_index(batch_op.f("ix_menu_items_category_id"))

    op.drop_table("menu_items")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_user_id"))
        batch_op.drop_index(batch_op.f("ix_customers_organization_id"))
        batch_op.drop_index("ix_customers_org_tier")
        batch_op.drop_index("ix_customers_org_name")

    op.drop_table("customers")
    with op.batch_alter_table("capacity_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_capacity_claims_team_starts")
        batch_op.drop_index(batch_op.f("ix_capacity_claims_organization_id"))
        batch_op.drop_index("ix_capacity_claims_org_day")
        batch_op.drop_index(batch_op.f("ix_capacity_claims_booking_id"))

    op.drop_table("capacity_claims")
    with op.batch_alter_table("number_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_number_series_organization_id"))

    op.drop_table("number_series")
    with op.batch_alter_table("menu_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_menu_categories_organization_id"))

    op.drop_table("menu_categories")
    with op.batch_alter_table("dropped_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dropped_submissions_organization_id"))

    op.drop_table("dropped_submissions")
    with op.batch_alter_table("chef_teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chef_teams_organization_id"))

    op.drop_table("chef_teams")
    with op.batch_alter_table("capacity_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capacity_days_organization_id"))

    op.drop_table("capacity_days")
