import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditLogRead(BaseModel):
    """One recorded event; `changes` names the fields sent, never their secret values."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    created_at: datetime
    organization_id: uuid.UUID | None
    actor_user_id: uuid.UUID | None
    actor_api_key_id: uuid.UUID | None
    action: str = Field(examples=["auth.login"])
    resource_type: str = Field(examples=["user"])
    resource_id: str
    method: str = Field(examples=["POST"])
    path: str = Field(examples=["/api/v1/auth/login"])
    status_code: int = Field(examples=[200])
    ip: str = Field(examples=["203.0.113.7"])
    user_agent: str
    request_id: str
    changes: dict[str, Any] = Field(examples=[{"fields": ["email", "password"]}])
