"""Organization settings: one typed section per domain, validated on every write.

Stored in `organizations.settings` as given (defaults are not written), read back through
`OrganizationSettings.model_validate`, so a new default reaches every organization at once.
Each domain adds its section here as it lands.
"""

from typing import Any

from pydantic import Field, field_validator

from maitred.kit.ratelimit import Policy
from maitred.kit.roles import Role
from maitred.tenancy.book_settings import (
    AvailabilitySettings,
    BookingPolicySettings,
    LoyaltySettings,
    PricingSettings,
)
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


def requires_mfa(stored: dict[str, Any], role: str) -> bool:
    """Whether an organization's stored settings make `role` turn on MFA. Reads the stored
    dict as it is: this runs on every authorized request, and settings are validated on write."""
    identity = stored.get("identity") or {}
    return role in (identity.get("mfa_required_roles") or [])
