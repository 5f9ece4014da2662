from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class RateLimitStatusRead(BaseModel):
    """The caller's standing in their tier's moving window: the last `window_duration` seconds."""

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
    limit: int = Field(description="Requests allowed in any window")
    remaining: int = Field(description="Requests left now")
    reset_at: datetime = Field(description="When the oldest counted request leaves the window")
    requests_made: int = Field(description="Requests counted in the window")
    window_duration: int = Field(description="Length of the window, in seconds")
