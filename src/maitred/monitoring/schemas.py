from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class RateLimitStatusRead(BaseModel):
    """The caller's standing in the current window of their tier (seed 001)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "tier": "authenticated",
                    "limit": 60,
                    "remaining": 45,
                    "reset_at": "2025-10-25T10:30:00Z",
                    "requests_made": 15,
                    "window_duration": 60,
                }
            ]
        }
    )

    tier: str = Field(description="`login`, `public`, `authenticated`, `admin` or `ai`")
    limit: int = Field(description="Requests allowed per window")
    remaining: int = Field(description="Requests left in the current window")
    reset_at: datetime = Field(description="When the current window ends")
    requests_made: int = Field(description="Requests counted against the limit in this window")
    window_duration: int = Field(description="Length of a window, in seconds")
