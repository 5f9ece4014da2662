"""The base of every settings section: unknown keys are refused, so a typo is never ignored."""

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")
