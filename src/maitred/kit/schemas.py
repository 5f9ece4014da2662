"""Base classes of request bodies: unknown fields are refused (API.md), so typos surface."""

from pydantic import BaseModel, ConfigDict


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")
