"""Settings from `MAITRED_*` environment variables (and an optional `.env`).

Misconfiguration raises `ConfigError` with one line meant for a human; the CLI prints it and
exits instead of showing a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import tempfile
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from maitred.kit.db import Database


class ConfigError(Exception):
    """The environment does not describe a runnable maitred."""


class Environment(StrEnum):
    development = "development"
    production = "production"


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "maitred"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MAITRED_", env_file=".env", extra="ignore", case_sensitive=False
    )

    env: Environment = Environment.development
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""
    secret_key: str = ""
    redis_url: str = ""
    log_level: str = "INFO"
    log_format: Literal["auto", "json", "text"] = "auto"
    # The background worker runs inside the API process on the embedded SQLite default;
    # on PostgreSQL deployments run `maitred worker` processes instead (or set this to true).
    embedded_worker: bool | None = None
    db_pool_size: int = Field(default=10, ge=1, le=200)
    # SQLite only: FULL survives a power cut; NORMAL only a crash of maitred, with faster commits.
    sqlite_synchronous: Literal["FULL", "NORMAL"] = "FULL"
    db_connect_timeout: float = Field(default=3.0, gt=0)
    health_cache_seconds: float = Field(default=1.0, ge=0)
    outbox_max_attempts: int = Field(default=8, ge=1)
    outbox_lease_seconds: float = Field(default=60.0, gt=0)
    outbox_poll_seconds: float = Field(default=0.5, gt=0)
    outbox_backoff_seconds: float = Field(default=2.0, gt=0)
    idempotency_ttl_hours: float = Field(default=24.0, ge=24.0)
    idempotency_lock_seconds: float = Field(default=60.0, gt=0)

    # Field-level encryption (kit/crypto.py). Comma-separated base64 keys of 32 bytes, newest
    # first: the newest encrypts, all decrypt. Empty: one key derived from the secret key.
    encryption_keys: str = ""
    # Key of the blind indexes (keyed hashes for exact lookups of encrypted values). Empty:
    # derived from the secret key. Changing it means recomputing every index.
    blind_index_key: str = ""

    # Rate limits (kit/ratelimit.py): "N/second|minute|hour|day" per tier.
    rate_limit_enabled: bool = True
    rate_limit_login: str = "5/minute"
    rate_limit_public: str = "20/minute"
    rate_limit_authenticated: str = "60/minute"
    rate_limit_admin: str = "120/minute"
    rate_limit_ai: str = "10/minute"
    # Proxies whose X-Forwarded-For is believed (comma-separated IPs or CIDRs).
    trusted_proxies: str = ""

    # Sign-in (identity/). Access tokens are checked against the user row on every request, so
    # a revoked session stops at once; the lifetime bounds a stolen token's use otherwise.
    access_token_minutes: int = Field(default=30, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=7, ge=1, le=365)
    mfa_token_minutes: int = Field(default=5, ge=1, le=60)
    password_reset_minutes: int = Field(default=60, ge=5, le=7 * 24 * 60)
    # Failed sign-ins (identity/throttle.py). An account backs off after this many in a row:
    # the first wait is login_backoff_seconds, doubling with each further failure up to
    # login_backoff_max_minutes. A client address may fail this many times in any window.
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_backoff_seconds: int = Field(default=30, ge=1)
    login_backoff_max_minutes: int = Field(default=15, ge=1)
    login_max_failures_per_ip: int = Field(default=20, ge=1)
    login_failure_window_minutes: int = Field(default=15, ge=1)
    # Any signed-in user may create an organization (and becomes its admin); otherwise only
    # super admins can.
    organization_signup: bool = False
    # The organization (id or slug) a signed-out request is for when it names none (no
    # X-Tenant-ID, no ?org=, no Host mapped to an organization). `serve --demo` sets it.
    default_organization: str = ""
    # Where links in emails point (password reset, invitations).
    public_url: str = "http://localhost:8000"
    # Google sign-in (seed 002): the OAuth client id ID tokens must be issued for.
    google_client_id: str = ""
    google_jwks_url: str = "https://www.googleapis.com/oauth2/v3/certs"

    # Messaging defaults for a single-business install (issue 6); an organization's own
    # channel settings win. Unset: the `console` provider records what would have gone out.
    smtp_url: str = ""  # smtp://user:pass@host:587 (STARTTLS when offered), smtps://… for TLS
    smtp_timeout_seconds: float = Field(default=20.0, gt=0)
    email_from: str = "maitred <no-reply@localhost>"
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = ""
    twilio_api_base: str = "https://api.twilio.com"
    ringcentral_client_id: str = ""
    ringcentral_client_secret: str = ""
    ringcentral_jwt: str = ""
    ringcentral_from_number: str = ""
    ringcentral_api_base: str = "https://platform.ringcentral.com"
    ringcentral_verification_token: str = ""
    whatsapp_access_token: str = ""
    whatsapp_phone_number_id: str = ""
    whatsapp_app_secret: str = ""
    whatsapp_verify_token: str = ""
    whatsapp_api_base: str = "https://graph.facebook.com/v21.0"
    telegram_bot_token: str = ""
    telegram_webhook_secret: str = ""
    telegram_api_base: str = "https://api.telegram.org"
    # Messages: attempts before `failed`, and the first retry delay (doubling each time).
    message_max_attempts: int = Field(default=6, ge=1)
    message_backoff_seconds: float = Field(default=30.0, gt=0)
    # How long a worker may take to hand a message to its provider before another takes over.
    message_lease_seconds: float = Field(default=120.0, gt=0)
    # Card payments (payments/providers/stripe.py); no API key: card payments are unavailable.
    stripe_api_key: str = ""
    stripe_webhook_secret: str = ""
    # Handed to checkout pages with an intent's client secret (Stripe.js needs it): pk_test_…
    stripe_publishable_key: str = ""
    stripe_api_base: str = "https://api.stripe.com"
    stripe_timeout_seconds: float = Field(default=20.0, gt=0)
    # How often the SDK itself retries a call that failed on the network, a 409 or a 5xx.
    stripe_max_network_retries: int = Field(default=2, ge=0)
    # A card payment still pending this long is asked of Stripe (payments/reconciling.py), and
    # again after as long each time, in case its webhook never came.
    payment_reconcile_after_seconds: float = Field(default=900.0, gt=0)
    # Uploaded files (files/): menu photos and message attachments. `local` keeps them under
    # data_dir/files; `s3` in an S3-compatible bucket (AWS, MinIO, R2, …).
    storage_backend: Literal["local", "s3"] = "local"
    s3_bucket: str = ""
    s3_endpoint_url: str = ""  # empty: AWS itself
    s3_region: str = "us-east-1"
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    s3_prefix: str = ""
    upload_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    # How long a signed link to an attachment (a provider fetching our MMS media) stays valid.
    signed_url_seconds: int = Field(default=3600, ge=60, le=7 * 24 * 3600)
    # The concierge's LLM engine (ai/engines/openai_compatible.py): any OpenAI-compatible
    # endpoint; without a key (here or per organization) the offline engine answers.
    ai_base_url: str = ""
    ai_api_key: str = ""
    ai_model: str = "gpt-4o-mini"
    ai_timeout_seconds: float = Field(default=20.0, gt=0)
    ai_max_retries: int = Field(default=1, ge=0)
    # Webhooks out: private and loopback targets are refused in production unless allowed.
    webhook_allow_private_targets: bool = False
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if value and not value.startswith(("sqlite:", "postgresql:", "postgres:")):
            scheme = value.split(":", 1)[0]
            raise ValueError(
                f"unsupported scheme {scheme!r}; use sqlite:///path/file.db or "
                "postgresql://user:pass@host:port/db"
            )
        return value

    @model_validator(mode="after")
    def _bucket_for_s3(self) -> Settings:
        if self.storage_backend == "s3" and not self.s3_bucket:
            raise ValueError("MAITRED_S3_BUCKET must be set when MAITRED_STORAGE_BACKEND=s3")
        return self

    @model_validator(mode="after")
    def _secret_in_production(self) -> Settings:
        if self.env is Environment.production and len(self.secret_key) < 32:
            raise ValueError(
                "MAITRED_SECRET_KEY must be set to at least 32 characters in production "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.sqlalchemy_url.startswith("sqlite")

    @cached_property
    def sqlalchemy_url(self) -> str:
        """The async-driver URL SQLAlchemy needs, derived from the user-facing one."""
        url = self.database_url or f"sqlite:///{self.data_dir / 'maitred.db'}"
        if url.startswith("sqlite:"):
            return "sqlite+aiosqlite:" + url.removeprefix("sqlite:")
        if url.startswith("postgres:"):
            url = "postgresql:" + url.removeprefix("postgres:")
        return "postgresql+asyncpg:" + url.removeprefix("postgresql:")

    def database(self, *, pool_size: int | None = None) -> Database:
        """The database these settings describe (connections open lazily)."""
        from maitred.kit.db import Database

        return Database(
            self.sqlalchemy_url,
            pool_size=pool_size or self.db_pool_size,
            connect_timeout=self.db_connect_timeout,
            sqlite_synchronous=self.sqlite_synchronous,
        )

    @property
    def json_logs(self) -> bool:
        """`auto`: JSON lines in production, readable lines in development."""
        if self.log_format == "auto":
            return self.env is Environment.production
        return self.log_format == "json"

    @property
    def run_embedded_worker(self) -> bool:
        return self.is_sqlite if self.embedded_worker is None else self.embedded_worker

    def resolved_secret_key(self) -> str:
        """The configured key, or in development one generated once and kept in the data dir."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            # Written aside, then linked into place: a racing process sees no file or a whole one.
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd, scratch = tempfile.mkstemp(dir=self.data_dir, prefix=".secret_key.")
            try:
                with os.fdopen(fd, "w") as f:
                    f.write(secrets.token_urlsafe(48))
                with contextlib.suppress(FileExistsError):
                    os.link(scratch, path)
            finally:
                os.unlink(scratch)
        return path.read_text().strip()


@functools.lru_cache(maxsize=1)
def instance_settings() -> Settings:
    """The environment's settings, read once per process, for code that has no app at hand:
    links in messages queued by worker handlers (outbox handlers get no Settings). Requests use
    the app's own (`kit.deps.app_settings`)."""
    return load_settings()


def load_settings(**overrides: object) -> Settings:
    """Build settings or raise ConfigError naming the first offending variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else ""
        name = f"MAITRED_{field.upper()}: " if field else ""
        message = str(err["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"configuration error: {name}{message}") from None
