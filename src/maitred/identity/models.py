"""Users, sessions (refresh tokens), MFA, API keys. Memberships are tenancy's (tenancy/models.py).

A user's email is encrypted at rest (kit/encrypted.py) and found by its blind index; so is the
phone. Secrets (refresh tokens, reset tokens, backup codes, API keys) are stored as SHA-256 or
Argon2 hashes only: a database dump holds nothing a caller could present.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, Entity, TenantOwned
from maitred.kit.encrypted import EncryptedText


class User(Entity, Base):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(EncryptedText("users.email"))
    email_index: Mapped[str] = mapped_column(String(64), unique=True)
    phone: Mapped[str | None] = mapped_column(EncryptedText("users.phone"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    # The account itself (platform administrators only); organizations deactivate memberships.
    is_active: Mapped[bool] = mapped_column(default=True)
    # The platform role (API.md): above every organization.
    is_super_admin: Mapped[bool] = mapped_column(default=False)
    email_verified: Mapped[bool] = mapped_column(default=False)
    # Raised to revoke every session at once: access tokens carry the version they were cut at.
    token_version: Mapped[int] = mapped_column(default=1)
    mfa_enabled: Mapped[bool] = mapped_column(default=False)
    mfa_secret: Mapped[str | None] = mapped_column(EncryptedText("users.mfa_secret"))
    # The last TOTP time step accepted, so a code is single-use within its window.
    mfa_last_step: Mapped[int] = mapped_column(default=0)
    google_subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    last_login_at: Mapped[datetime | None]


class RefreshToken(Entity, Base):
    """One refresh token of a sign-in. Each use replaces it with a new one of the same family;
    presenting a replaced one again means it was stolen, and the whole family is revoked."""

    __tablename__ = "refresh_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[uuid.UUID | None]
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")


class MfaBackupCode(Entity, Base):
    __tablename__ = "mfa_backup_codes"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


class PasswordResetToken(Entity, Base):
    """Also serves invitations: an invited user sets a first password with one."""

    __tablename__ = "password_reset_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LoginThrottle(Entity, Base):
    """A run of failed sign-ins of one account (`account:`) or of its second factor (`mfa:`),
    shared by every process: `failures` in a row since `window_started_at`, the last at
    `updated_at`, and the backoff until `locked_until` (identity/throttle.py)."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(100), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]


class ApiKey(TenantOwned, Base):
    """A machine credential of one organization, with scopes within its creator's permissions."""

    __tablename__ = "api_keys"

    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(20))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[Any]] = mapped_column(default=list)
    role: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
