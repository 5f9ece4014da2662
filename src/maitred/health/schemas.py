from datetime import datetime

from pydantic import BaseModel, Field

FEATURES_EXAMPLE = {
    "authentication": "enabled",
    "mfa": "enabled",
    "workers": "running",
    "email_service": "smtp",
    "sms_service": "twilio",
    "whatsapp_service": "console",
    "telegram_service": "console",
    "payment_service": "stripe_live",
    "payments": "stripe_live",
    "encryption": "enabled",
    "audit_logging": "enabled",
    "rate_limiting": "redis",
    "outbox": "enabled",
    "idempotency": "enabled",
}
EXTERNAL_SERVICES_EXAMPLE = {
    "stripe": "configured",
    "openai": "not_configured",
    "smtp": "configured",
    "twilio": "configured",
    "ringcentral": "not_configured",
    "whatsapp": "not_configured",
    "telegram": "not_configured",
    "google_sign_in": "not_configured",
}
FEATURES_DESCRIPTION = (
    "`workers`: `running` or `stopped`; `*_service`: the provider the instance sends through "
    "(`console` records what would have gone out) or, for payments, `stripe_test`, "
    "`stripe_live` or `not_configured` (a business may have its own keys); `rate_limiting`: "
    "`redis`, `memory` or `disabled`; the rest `enabled`"
)
EXTERNAL_SERVICES_DESCRIPTION = (
    "`configured` or `not_configured` per outside service; not called by the health check"
)


class HealthRead(BaseModel):
    status: str = Field(examples=["healthy"], description="`healthy` or `unhealthy`")
    version: str = Field(examples=["0.1.0"])
    uptime_seconds: int = Field(examples=[86400])
    database: str = Field(examples=["connected"], description="`connected` or `disconnected`")
    redis: str = Field(
        examples=["not_configured"], description="`connected`, `disconnected` or `not_configured`"
    )
    environment: str = Field(examples=["production"])
    timestamp: datetime
    features: dict[str, str] = Field(examples=[FEATURES_EXAMPLE], description=FEATURES_DESCRIPTION)
    external_services: dict[str, str] = Field(
        examples=[EXTERNAL_SERVICES_EXAMPLE], description=EXTERNAL_SERVICES_DESCRIPTION
    )


class DatabaseHealthRead(BaseModel):
    status: str = Field(examples=["healthy"])
    database: str = Field(examples=["connected"])
    backend: str = Field(examples=["sqlite"])
    latency_ms: float | None = Field(examples=[0.4])
    migration: str | None = Field(description="Applied Alembic revision", examples=["0001"])
    error: str | None = None
    timestamp: datetime


class WorkerRead(BaseModel):
    worker_id: str
    hostname: str
    pid: int
    started_at: datetime
    last_seen_at: datetime
    processed: int
    failed: int


class OutboxRead(BaseModel):
    due: int = Field(description="Deliveries waiting to run now")
    dead: int = Field(description="Deliveries that gave up after the last retry")


class WorkersHealthRead(BaseModel):
    status: str = Field(examples=["healthy"])
    workers: list[WorkerRead]
    outbox: OutboxRead | None
    timestamp: datetime


class FeaturesRead(BaseModel):
    status: str = Field(examples=["healthy"])
    features: dict[str, str] = Field(examples=[FEATURES_EXAMPLE], description=FEATURES_DESCRIPTION)
    external_services: dict[str, str] = Field(
        examples=[EXTERNAL_SERVICES_EXAMPLE], description=EXTERNAL_SERVICES_DESCRIPTION
    )
