"""Organization settings: one typed section per domain, validated on every write.

Stored in `organizations.settings` as given (defaults are not written), read back through
`OrganizationSettings.model_validate`, so a new default reaches every organization at once.
Each domain adds its section here as it lands.
"""

from typing import Any

import orjson
from pydantic import Field, field_validator

from maitred.kit.ratelimit import Policy
from maitred.kit.roles import Role
from maitred.tenancy.book_settings import (
    AvailabilitySettings,
    BookingPolicySettings,
    LoyaltySettings,
    PricingSettings,
)
from maitred.tenancy.booking_page_settings import BookingPageSettings
from maitred.tenancy.event_settings import EventSettings
from maitred.tenancy.models import Organization
from maitred.tenancy.notification_settings import NotificationSettings
from maitred.tenancy.payment_settings import PaymentSettings
from maitred.tenancy.settings_base import Section


class IdentitySettings(Section):
    self_signup: bool = Field(
        default=False,
        description="Anyone may register as a customer of this organization (POST /auth/register)",
    )
    mfa_required_roles: list[Role] = Field(
        default_factory=list,
        description="Roles that must turn on MFA before they may use the API",
        examples=[["admin", "manager"]],
    )


class RateLimitSettings(Section):
    """Per-organization overrides of the instance tiers (`N/second|minute|hour|day`)."""

    authenticated: str | None = Field(default=None, examples=["120/minute"])
    admin: str | None = Field(default=None, examples=["240/minute"])

    @field_validator("authenticated", "admin")
    @classmethod
    def _a_rate(cls, value: str | None) -> str | None:
        if value is not None:
            Policy.parse(value)  # ValueError names the expected form
        return value


class OrganizationSettings(Section):
    identity: IdentitySettings = Field(default_factory=IdentitySettings)
    rate_limits: RateLimitSettings = Field(default_factory=RateLimitSettings)
    pricing: PricingSettings = Field(default_factory=PricingSettings)
    availability: AvailabilitySettings = Field(default_factory=AvailabilitySettings)
    loyalty: LoyaltySettings = Field(default_factory=LoyaltySettings)
    bookings: BookingPolicySettings = Field(default_factory=BookingPolicySettings)
    events: EventSettings = Field(default_factory=EventSettings)
    notifications: NotificationSettings = Field(default_factory=NotificationSettings)
    payments: PaymentSettings = Field(default_factory=PaymentSettings)
    booking_page: BookingPageSettings = Field(default_factory=BookingPageSettings)


def requires_mfa(stored: dict[str, Any], role: str) -> bool:
    """Whether an organization's stored settings make `role` turn on MFA. Reads the stored
    dict as it is: this runs on every authorized request, and settings are validated on write."""
    identity = stored.get("identity") or {}
    return role in (identity.get("mfa_required_roles") or [])


_PARSED_SETTINGS: dict[bytes, OrganizationSettings] = {}
_PARSED_SETTINGS_LIMIT = 512


def settings_of(organization: Organization) -> OrganizationSettings:
    """The organization's settings, parsed once per distinct stored value.

    Validating every section cost ~0.5 ms, several times per booking request. The key is the
    stored JSON itself, so a change made by any process is seen at the next read of the row.
    """
    return parse_settings(organization.settings or {})


def parse_settings(stored: dict[str, Any]) -> OrganizationSettings:
    """Stored settings parsed, once per distinct value (see `settings_of`)."""
    try:
        key = orjson.dumps(stored, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # not plain JSON yet (changed in this session): parse it as it is
        return OrganizationSettings.model_validate(stored)
    parsed = _PARSED_SETTINGS.get(key)
    if parsed is None:
        if len(_PARSED_SETTINGS) >= _PARSED_SETTINGS_LIMIT:
            _PARSED_SETTINGS.clear()
        parsed = _PARSED_SETTINGS[key] = OrganizationSettings.model_validate(stored)
    return parsed
