import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from maitred.kit.schemas import Input

Password = Field(min_length=1, max_length=1024, examples=["a long passphrase of mine"])


class UserRead(BaseModel):
    """A user as seeds 000-003 show one; `role` and `permissions` are those of the organization
    the request is for."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str = Field(examples=["chef@hibachi.example"])
    full_name: str
    name: str
    first_name: str
    last_name: str
    phone: str | None
    role: str | None = Field(examples=["admin"])
    permissions: list[str]
    is_active: bool
    mfa_enabled: bool
    email_verified: bool
    organization_id: uuid.UUID | None
    created_at: datetime
    last_login_at: datetime | None


class OrganizationRef(BaseModel):
    id: uuid.UUID
    name: str
    slug: str


class ApiKeyIdentity(BaseModel):
    """GET /auth/me when the caller is an API key: which key, of which organization, allowed
    to do what (`scopes` as granted; `permissions` what they amount to now)."""

    kind: Literal["api_key"] = "api_key"
    id: uuid.UUID
    name: str = Field(examples=["Booking site"])
    prefix: str = Field(examples=["mk_Q2x9aB7"])
    scopes: list[str]
    permissions: list[str]
    role: str = Field(description="The role of the person who made the key")
    organization_id: uuid.UUID
    organization: OrganizationRef
    created_by_id: uuid.UUID | None
    expires_at: datetime | None
    last_used_at: datetime | None
    created_at: datetime


class LoginRequest(Input):
    email: str = Field(max_length=320, examples=["admin@hibachi-demo.example"])
    password: str = Password
    mfa_code: str | None = Field(
        default=None,
        max_length=20,
        description="TOTP or backup code, for signing in in one step; with it the sign-in is "
        "tried even while failed attempts of others hold the account back",
    )


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(examples=[1800])


class LoginResponse(TokenPair):
    user: UserRead


class RefreshRequest(Input):
    refresh_token: str = Field(max_length=200)


class LogoutRequest(Input):
    refresh_token: str | None = Field(default=None, max_length=200)
    everywhere: bool = Field(default=False, description="End every session of this user")


class RegisterRequest(Input):
    """Seed 002 sends first/last name, seed 003 `name`; `full_name` works too."""

    email: str = Field(max_length=320)
    password: str = Password
    full_name: str | None = Field(default=None, max_length=200)
    name: str | None = Field(default=None, max_length=200)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=32, examples=["+19165550123"])

    @model_validator(mode="after")
    def _some_name(self) -> "RegisterRequest":
        if not (self.full_name or self.name or self.first_name or self.last_name):
            raise ValueError("Give full_name, name, or first_name and last_name")
        return self


class RegisterResponse(BaseModel):
    message: str = "User registered successfully"
    user: UserRead


class ProfileUpdate(Input):
    full_name: str | None = Field(default=None, max_length=200)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=32, examples=["+19165550123"])


class ChangePassword(Input):
    current_password: str = Password
    new_password: str = Password


class PasswordResetRequest(Input):
    email: str = Field(max_length=320)


class PasswordResetConfirm(Input):
    token: str = Field(max_length=200)
    new_password: str = Password


class Message(BaseModel):
    message: str


class MfaSetupResponse(BaseModel):
    secret: str = Field(examples=["JBSWY3DPEHPK3PXP"])
    otpauth_url: str
    qr_code: str = Field(examples=["data:image/png;base64,iVBORw0KGgo..."])
    backup_codes: list[str]


class MfaVerifyRequest(Input):
    """With an access token: enables MFA. With `mfa_token`: completes a sign-in."""

    token: str | None = Field(default=None, max_length=20, description="TOTP code")
    code: str | None = Field(default=None, max_length=20, description="TOTP or backup code")
    backup_code: str | None = Field(default=None, max_length=20)
    mfa_token: str | None = Field(default=None, max_length=2000)

    @property
    def given_code(self) -> str:
        return (self.token or self.code or self.backup_code or "").strip()


class MfaDisableRequest(Input):
    password: str = Password
    code: str = Field(max_length=20)


class MfaStatus(BaseModel):
    mfa_enabled: bool
    backup_codes_remaining: int | None = None


class GoogleLoginRequest(Input):
    token: str = Field(max_length=5000, description="A Google ID token (JWT)")
