"""Bodies and answers of /users, /organizations/{id}/members, /roles and /api-keys."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from maitred.identity.schemas import UserRead
from maitred.kit.roles import Role
from maitred.kit.schemas import Input
from maitred.tenancy.models import MembershipStatus


class MemberInvite(Input):
    """Seed issue "Invite members": a new account gets a link to choose its password; an
    existing account gets an invitation its holder accepts or declines."""

    email: str = Field(max_length=320, examples=["chef@hibachi.example"])
    role: Role = Field(examples=["staff"])


class UserCreate(MemberInvite):
    """Seed 000's Create User. Without `password`, a new account is invited by link."""

    full_name: str | None = Field(default=None, max_length=200, examples=["John Doe"])
    name: str | None = Field(default=None, max_length=200)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    password: str | None = Field(default=None, min_length=1, max_length=1024)
    phone: str | None = Field(default=None, max_length=32, examples=["+19165550123"])

    @model_validator(mode="after")
    def _some_name(self) -> "UserCreate":
        if not (self.full_name or self.name or self.first_name or self.last_name):
            raise ValueError("Give full_name, name, or first_name and last_name")
        return self


class UserUpdate(Input):
    """Only the fields sent change (PUT and PATCH alike, as seed 000 sends partial bodies).
    `role` and `is_active` are the membership's; the name and phone are the account holder's
    (PATCH /auth/me): sending other values than the current ones is 403 (platform
    administrators excepted)."""

    full_name: str | None = Field(default=None, max_length=200)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=32, examples=["+19165550123"])
    role: Role | None = None
    is_active: bool | None = None

    @model_validator(mode="after")
    def _not_null(self) -> "UserUpdate":
        for name in ("role", "is_active"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class MemberRead(UserRead):
    """A user as a member of the organization. `is_active` is the membership's; a pending
    invitation (`status` invited) shows only the email and role the organization gave."""

    status: MembershipStatus = Field(examples=["active"])


class UserCreated(MemberRead):
    invitation_sent: bool = Field(description="A link to choose a password went to the new account")


class InvitationRead(BaseModel):
    """An organization's pending invitation to the signed-in account."""

    id: uuid.UUID
    organization_id: uuid.UUID
    organization_name: str
    organization_slug: str
    role: str = Field(examples=["manager"])
    invited_at: datetime


class InvitationList(BaseModel):
    items: list[InvitationRead]


class RoleRead(BaseModel):
    name: str = Field(examples=["manager"])
    description: str
    permissions: list[str] = Field(examples=[["bookings:read", "bookings:write"]])


class RoleList(BaseModel):
    items: list[RoleRead]


class ApiKeyCreate(Input):
    """Scopes default to every permission of the creator; none may exceed them."""

    name: str = Field(min_length=1, max_length=100, examples=["Website booking form"])
    scopes: list[str] | None = Field(default=None, examples=[["bookings:read"]])
    expires_at: AwareDatetime | None = None
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)

    @model_validator(mode="after")
    def _one_expiry(self) -> "ApiKeyCreate":
        if self.expires_at is not None and self.expires_in_days is not None:
            raise ValueError("Give expires_at or expires_in_days, not both")
        return self


class ApiKeyRead(BaseModel):
    """A key as listed: its prefix identifies it, the secret is never shown again."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    prefix: str = Field(examples=["mk_Q2x9aB7"])
    scopes: list[str]
    role: str
    created_by_id: uuid.UUID | None
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The full key: shown only in this response; store it now")
