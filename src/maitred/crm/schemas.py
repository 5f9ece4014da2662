"""Request and response bodies of the CRM (seed 002's CRM service, in maitred's conventions)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from maitred.kit.enums import CaseInsensitiveEnum
from maitred.kit.pagination import PaginationInfo
from maitred.kit.schemas import Input

OutsideId = int | str


class CrmStatus(CaseInsensitiveEnum):
    """The follow-up workflow, in order."""

    new = "new"
    reviewed = "reviewed"
    contacted = "contacted"
    confirmed = "confirmed"
    completed = "completed"


class RecordKind(CaseInsensitiveEnum):
    catering = "catering"
    seat = "seat"
    external = "external"


class StatusUpdate(Input):
    crm_status: CrmStatus = Field(examples=["contacted"])
    notes: str = Field(default="", max_length=5000, examples=["Called to confirm attendance"])


class StatusUpdated(BaseModel):
    message: str = Field(examples=["Booking status updated successfully"])
    booking_id: str
    old_status: CrmStatus
    new_status: CrmStatus
    updated_at: datetime


class NotifiedUser(Input):
    id: OutsideId | None = Field(default=None, examples=[1])
    email: str | None = Field(default=None, max_length=320, examples=["user@example.com"])
    name: str = Field(default="", max_length=200, examples=["John Doe"])
    phone: str | None = Field(default=None, max_length=50, examples=["+1234567890"])


class NotifiedEvent(Input):
    id: OutsideId | None = Field(default=None, examples=[1])
    title: str = Field(default="", max_length=200, examples=["Morning Meditation Session"])
    type: str = Field(default="", max_length=32, examples=["session"])
    start_datetime: datetime | None = Field(default=None, examples=["2024-01-15T07:00:00"])
    location: str = Field(default="", max_length=300, examples=["Wellness Center"])


class Notification(Input):
    """Seed 002's booking notification from an outside system; naive times are local to the
    organization."""

    booking_id: OutsideId = Field(examples=[1])
    user: NotifiedUser
    event: NotifiedEvent
    facilitator_id: OutsideId | None = Field(default=None, examples=[1])
    booking_date: datetime | None = Field(default=None, examples=["2024-01-01T12:00:00"])
    notes: str = Field(default="", max_length=5000)


_FLAGS = "Contact fields kept as sent because they are malformed: field -> why"


class NotificationReceived(BaseModel):
    message: str = Field(examples=["Booking notification received successfully"])
    notification_id: uuid.UUID
    status: str = Field(examples=["success"])
    contact_flags: dict[str, str] = Field(
        description=_FLAGS,
        examples=[
            {
                "user.phone": (
                    "Not a valid phone number (too short: 9 digits after +1, where numbers "
                    "have 10); kept as sent"
                )
            }
        ],
    )


class RecordUser(BaseModel):
    """The customer of a maitred booking (id: the customer's), or the person an outside system
    named (id: theirs)."""

    id: str | None
    email: str | None
    name: str
    phone: str | None


class RecordEvent(BaseModel):
    id: str | None
    title: str
    type: str


class RecordRead(BaseModel):
    id: uuid.UUID
    booking_id: str = Field(description="maitred's booking id, or the outside system's")
    kind: RecordKind
    user: RecordUser
    event: RecordEvent
    facilitator_id: str | None
    received_at: datetime
    booking_date: datetime
    status: str = Field(description="The booking's status", examples=["confirmed"])
    crm_status: CrmStatus
    notes: str
    contact_flags: dict[str, str] = Field(description=_FLAGS)


class StatusChangeRead(BaseModel):
    from_status: CrmStatus | None
    to_status: CrmStatus
    notes: str
    changed_by: uuid.UUID | None
    changed_by_api_key: uuid.UUID | None
    changed_at: datetime


class RecordDetail(RecordRead):
    history: list[StatusChangeRead]


class RecordEnvelope(BaseModel):
    booking: RecordDetail


class FiltersApplied(BaseModel):
    facilitator_id: str | None
    event_id: str | None
    user_id: str | None
    status: str | None
    crm_status: CrmStatus | None
    kind: RecordKind | None
    date_from: str | None
    date_to: str | None


class ListSummary(BaseModel):
    total_notifications: int
    filtered_results: int


class RecordList(BaseModel):
    items: list[RecordRead]
    pagination: PaginationInfo
    filters_applied: FiltersApplied
    summary: ListSummary


class FacilitatorStatistics(BaseModel):
    total_bookings: int
    session_bookings: int
    retreat_bookings: int
    recent_bookings: int = Field(description="Received in the last 7 days")
    unique_users: int
    unique_events: int


class FacilitatorBookings(BaseModel):
    facilitator_id: str
    items: list[RecordRead]
    statistics: FacilitatorStatistics
    pagination: PaginationInfo


class DashboardSummary(BaseModel):
    total_bookings: int
    session_bookings: int
    retreat_bookings: int
    recent_bookings_count: int
    unique_events: int
    unique_users: int


class PopularEvent(BaseModel):
    event_id: str | None
    event_title: str
    event_type: str
    booking_count: int


class SessionsVsRetreats(BaseModel):
    sessions: int
    retreats: int


class BookingTrends(BaseModel):
    sessions_vs_retreats: SessionsVsRetreats


class FacilitatorDashboard(BaseModel):
    facilitator_id: str
    summary: DashboardSummary
    popular_events: list[PopularEvent]
    recent_bookings: list[RecordRead]
    booking_trends: BookingTrends
    generated_at: datetime
