"""The roles of ../shared/API.md, known to every domain (permissions live in identity)."""

from maitred.kit.enums import CaseInsensitiveEnum


class Role(CaseInsensitiveEnum):
    """Roles of ../shared/API.md: one platform role, the rest per organization."""

    super_admin = "super_admin"
    admin = "admin"
    manager = "manager"
    staff = "staff"
    viewer = "viewer"
    facilitator = "facilitator"
    ai_system = "ai_system"
    customer = "customer"
