"""The queries of the authentication hot path, compiled once (kit/reads.py).

Every authenticated request runs one of these: the user with their role in the requested
organization and whether their session is still alive, or the API key with its organization.
"""

from sqlalchemy import ColumnElement, and_, bindparam, exists, literal_column, select

from maitred.identity.models import ApiKey, RefreshToken, User
from maitred.kit.reads import ReadQuery
from maitred.tenancy.models import Membership, MembershipStatus, Organization

# A constant of the statement, not a parameter each caller would have to pass.
_ACTIVE: ColumnElement[str] = literal_column(f"'{MembershipStatus.active.value}'")

_session_alive = (
    exists()
    .where(RefreshToken.family_id == bindparam("session_id"), RefreshToken.revoked_at.is_(None))
    .label("session_alive")
)

USER_IN_ORGANIZATION = ReadQuery(
    select(
        User.id,
        User.is_active,
        User.token_version,
        User.is_super_admin,
        User.mfa_enabled,
        _session_alive,
        Membership.role,
        Organization.id.label("organization_id"),
        Organization.is_active.label("organization_active"),
        Organization.locale.label("organization_locale"),
        Organization.updated_at.label("organization_version"),
    )
    .select_from(User)
    .outerjoin(
        Membership,
        # Only an active membership grants a role: invitations and deactivated ones do not,
        # and the change takes effect on the very next request.
        and_(
            Membership.user_id == User.id,
            Membership.organization_id == bindparam("org_a"),
            Membership.status == _ACTIVE,
        ),
    )
    .outerjoin(Organization, Organization.id == bindparam("org_b"))
    .where(User.id == bindparam("user_id"))
)

# A user belongs to a handful of organizations at most.
MEMBERSHIPS_OF_USER = ReadQuery(
    select(Membership.organization_id).where(
        Membership.user_id == bindparam("user_id"),
        Membership.status == _ACTIVE,
    )
)

ORGANIZATION_ID_BY_SLUG = ReadQuery(
    select(Organization.id).where(Organization.slug == bindparam("slug"))
)

API_KEY_BY_HASH = ReadQuery(
    select(
        ApiKey.id,
        ApiKey.organization_id,
        ApiKey.scopes,
        ApiKey.role,
        ApiKey.expires_at,
        ApiKey.revoked_at,
        ApiKey.last_used_at,
        Organization.is_active.label("organization_active"),
        Organization.locale.label("organization_locale"),
        Organization.updated_at.label("organization_version"),
    )
    .join(Organization, Organization.id == ApiKey.organization_id)
    .where(ApiKey.key_hash == bindparam("key_hash"))
)

# What GET /auth/me shows of an API key (the caller, just authenticated by it).
API_KEY_PROFILE = ReadQuery(
    select(
        ApiKey.id,
        ApiKey.name,
        ApiKey.prefix,
        ApiKey.scopes,
        ApiKey.role,
        ApiKey.created_by_id,
        ApiKey.expires_at,
        ApiKey.last_used_at,
        ApiKey.created_at,
        Organization.id.label("organization_id"),
        Organization.name.label("organization_name"),
        Organization.slug.label("organization_slug"),
    )
    .join(Organization, Organization.id == ApiKey.organization_id)
    .where(ApiKey.id == bindparam("id"))
)

# What GET /auth/me shows, read without a unit of work (the hottest signed-in read).
USER_PROFILE = ReadQuery(
    select(
        User.id,
        User.email,
        User.full_name,
        User.first_name,
        User.last_name,
        User.phone,
        User.is_active,
        User.mfa_enabled,
        User.email_verified,
        User.created_at,
        User.last_login_at,
    ).where(User.id == bindparam("user_id"))
)
