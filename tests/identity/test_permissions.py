"""The role table: who may do what, and that nobody can grant beyond their own role."""

from __future__ import annotations

from maitred.kit.permissions import (
    ORGANIZATION_PERMISSIONS,
    PLATFORM_PERMISSIONS,
    outranks,
    permissions_for,
)
from maitred.kit.roles import Role


def test_admin_holds_every_organization_permission_and_super_admin_the_platform_too() -> None:
    assert permissions_for("admin") == ORGANIZATION_PERMISSIONS
    assert permissions_for("SUPER_ADMIN") == ORGANIZATION_PERMISSIONS | PLATFORM_PERMISSIONS


def test_a_sample_of_the_matrix() -> None:
    assert "bookings:write" in permissions_for(Role.staff)
    assert "users:write" not in permissions_for(Role.staff)
    assert "users:read" in permissions_for(Role.manager)
    assert "users:write" not in permissions_for(Role.manager)
    assert not any(p.endswith(":write") for p in permissions_for(Role.viewer))
    assert "api_keys:write" not in permissions_for(Role.ai_system)
    assert "quotes:write" in permissions_for(Role.ai_system)
    assert "crm:write" in permissions_for(Role.facilitator)
    assert "customers:read" not in permissions_for(Role.customer)


def test_roles_are_ordered_for_granting() -> None:
    assert outranks(Role.admin, Role.manager)
    assert outranks(Role.manager, Role.staff)
    assert outranks(Role.manager, Role.viewer)
    assert not outranks(Role.staff, Role.manager)
    assert not outranks(Role.admin, Role.super_admin)
    assert outranks(Role.super_admin, Role.admin)
