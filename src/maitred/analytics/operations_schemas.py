"""The answers of `GET /analytics/operations` (analytics/operations.py says how each is read)
and of `GET /insights` (analytics/insights.py)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from maitred.analytics.schemas import Span


class TeamUse(BaseModel):
    team_id: uuid.UUID
    name: str
    events: int
    booked_hours: float = Field(description="Events' own durations, buffers left out")
    available_hours: float = Field(description="Service span × days the team works while open")
    utilisation: float = Field(description="Booked ÷ available, 0-1")


class Teams(BaseModel):
    booked_hours: float
    available_hours: float
    utilisation: float
    by_team: list[TeamUse]


class ChannelMessages(BaseModel):
    channel: str
    sent: int
    failed: int
    failure_rate: float = Field(description="Failed ÷ (sent + failed), 0-1")


class Messages(BaseModel):
    scope: Literal["organization"] = Field(description="The inbox has no location")
    sent: int
    failed: int
    by_channel: list[ChannelMessages]
    median_first_response_minutes: float | None = Field(
        description="From a customer's first unanswered message to our next one"
    )
    responses_measured: int


class TypeSeats(BaseModel):
    event_type: str
    events: int
    capacity: int
    sold: int
    fill_rate: float


class Seats(BaseModel):
    events: int
    capacity: int = Field(description="Seats offered by events held in the period")
    sold: int
    fill_rate: float = Field(description="Sold ÷ capacity, 0-1")
    by_event_type: list[TypeSeats]


class PreviousOperations(BaseModel):
    period: Span
    utilisation: float
    messages_sent: int
    messages_failed: int
    median_first_response_minutes: float | None
    seats_sold: int


class OperationsChange(BaseModel):
    booked_hours: float | None
    messages_sent: float | None
    median_first_response: float | None
    seats_sold: float | None


class OperationsReport(BaseModel):
    period: Span
    location_id: uuid.UUID | None
    teams: Teams
    messages: Messages
    seats: Seats
    previous: PreviousOperations
    change_percent: OperationsChange


class InsightFigure(BaseModel):
    name: str = Field(examples=["revenue"])
    value: float
    previous: float | None = Field(description="The period before, or the average compared")
    change_percent: float | None


class Insight(BaseModel):
    kind: Literal["change", "anomaly", "slow_day"]
    severity: Literal["positive", "warning", "info"]
    message: str = Field(description="In the request's language (Accept-Language)")
    figure: InsightFigure


class Insights(BaseModel):
    period: Span
    language: str
    generated_by: Literal["rules", "ai"]
    insights: list[Insight]
