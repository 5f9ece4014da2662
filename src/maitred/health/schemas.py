from datetime import datetime

from pydantic import BaseModel, Field


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
    features: dict[str, str] = Field(examples=[{"workers": "running", "idempotency": "enabled"}])


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
    features: dict[str, str] = Field(
        examples=[{"workers": "running", "outbox": "enabled", "idempotency": "enabled"}]
    )
