"""Which role may do what: `resource:action` permissions (../shared/API.md, Roles).

One table, read by the `requires("bookings:write")` route dependency, `GET /roles` and the login
response. A resource appears here when its domain lands; `admin` holds every permission of an
organization, `super_admin` also the platform's.
"""

from __future__ import annotations

from maitred.kit.roles import Role

READ, WRITE = "read", "write"

# Per organization, grouped by who normally works with them.
STAFF_RESOURCES = ("customers", "leads", "bookings", "waitlist", "quotes", "availability")
CATALOG_RESOURCES = ("menu", "events", "facilitators", "locations")
COMMS_RESOURCES = ("messages", "notifications")
# How messages go out (providers and their credentials): admins and managers set, staff see.
CHANNEL_RESOURCES = ("messaging",)
BUSINESS_RESOURCES = ("payments", "analytics", "crm", "orders", "inventory", "staff", "loyalty")
ADMIN_RESOURCES = ("users", "api_keys", "audit_logs", "settings", "webhooks", "organizations")
PLATFORM_PERMISSIONS = frozenset({"platform:read", "platform:write"})

ALL_RESOURCES = (
    STAFF_RESOURCES
    + CATALOG_RESOURCES
    + COMMS_RESOURCES
    + CHANNEL_RESOURCES
    + BUSINESS_RESOURCES
    + ADMIN_RESOURCES
)


def _both(*resources: str) -> set[str]:
    return {f"{r}:{a}" for r in resources for a in (READ, WRITE)}


def _read(*resources: str) -> set[str]:
    return {f"{r}:{READ}" for r in resources}


# Giving money back is kept apart from taking it: staff take payments, managers refund.
REFUND = "payments:refund"
ORGANIZATION_PERMISSIONS = frozenset(_both(*ALL_RESOURCES) | {REFUND})

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.super_admin: ORGANIZATION_PERMISSIONS | PLATFORM_PERMISSIONS,
    Role.admin: ORGANIZATION_PERMISSIONS,
    Role.manager: frozenset(
        _both(*STAFF_RESOURCES, *CATALOG_RESOURCES, *COMMS_RESOURCES, *BUSINESS_RESOURCES)
        | _both(*CHANNEL_RESOURCES)
        | _read("users", "audit_logs", "settings", "webhooks", "organizations")
        | {REFUND}
    ),
    Role.staff: frozenset(
        _both(*STAFF_RESOURCES, *COMMS_RESOURCES, "crm", "payments")
        | _read(*CATALOG_RESOURCES, *CHANNEL_RESOURCES, "organizations")
    ),
    Role.viewer: frozenset(
        _read(*STAFF_RESOURCES, *CATALOG_RESOURCES, *COMMS_RESOURCES, *BUSINESS_RESOURCES)
        | _read("organizations")
    ),
    Role.facilitator: frozenset(
        _read("events", "bookings", "customers", "facilitators", "organizations") | _both("crm")
    ),
    # The assistant's machine role (seed 000): the booking tools, nothing administrative.
    Role.ai_system: frozenset(
        _read("menu", "availability", "customers", "bookings", "events")
        | _both("quotes", "leads", "waitlist")
        | {"bookings:write", "customers:write"}
    ),
    # Customers act on their own records only; the services narrow `bookings:*` to theirs.
    Role.customer: frozenset(
        _read("menu", "events", "facilitators", "availability") | _both("bookings")
    ),
}


def permissions_for(role: Role | str) -> frozenset[str]:
    return ROLE_PERMISSIONS[Role(role)]


def outranks(role: Role | str, other: Role | str) -> bool:
    """Whether `role` holds every permission of `other` (nobody may grant beyond their own)."""
    return permissions_for(other) <= permissions_for(role)
