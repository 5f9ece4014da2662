"""The events section of the organization settings: which kinds of event it runs (seed 002's
`session` and `retreat` by default). Keys are stored on every event, so they are short, lowercase
and stable; labels are what people read and may change freely."""

from __future__ import annotations

from pydantic import Field, field_validator

from maitred.tenancy.settings_base import Section


class EventType(Section):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$", examples=["session"])
    label: str = Field(min_length=1, max_length=100, examples=["Session"])

    @field_validator("key", mode="before")
    @classmethod
    def _lowercase(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("label")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        label = " ".join(value.split())
        if not label:
            raise ValueError("A label may not be blank")
        return label


def _default_types() -> list[EventType]:
    return [EventType(key="session", label="Session"), EventType(key="retreat", label="Retreat")]


class EventSettings(Section):
    event_types: list[EventType] = Field(
        default_factory=_default_types,
        min_length=1,
        max_length=50,
        description="In the order they are offered; `value` in GET /events/types is the position",
    )

    @field_validator("event_types")
    @classmethod
    def _unique_keys(cls, value: list[EventType]) -> list[EventType]:
        keys = [t.key for t in value]
        if len(keys) != len(set(keys)):
            raise ValueError("event type keys must be unique")
        return value

    def keys(self) -> list[str]:
        return [t.key for t in self.event_types]
