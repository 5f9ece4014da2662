"""Seed 002's CRM service answers, field for field, as served under `/crm` (its base URL)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from maitred.crm.schemas import CrmStatus, ListSummary, RecordRead


class ServicePagination(BaseModel):
    page: int
    per_page: int
    total: int
    pages: int
    has_next: bool
    has_prev: bool


class ServiceFilters(BaseModel):
    facilitator_id: str | None
    event_id: str | None
    user_id: str | None
    status: str | None
    crm_status: CrmStatus | None


class ServiceRecordList(BaseModel):
    bookings: list[RecordRead]
    pagination: ServicePagination
    filters_applied: ServiceFilters
    summary: ListSummary


class ServiceFacilitatorStatistics(BaseModel):
    total_bookings: int
    session_bookings: int
    retreat_bookings: int
    recent_bookings: int
    unique_users: int
    unique_events: int


class ServiceFacilitatorBookings(BaseModel):
    facilitator_id: str
    bookings: list[RecordRead]
    statistics: ServiceFacilitatorStatistics
    pagination: ServicePagination


class ServiceHealth(BaseModel):
    status: str = Field(examples=["healthy"])
    service: str = Field(examples=["CRM Notification Service"])
    port: int | None
    timestamp: datetime
    notifications_received: int | None = Field(
        description="The caller's organization's; null without a CRM token"
    )
    unique_facilitators: int | None
    unique_events: int | None
    endpoints: list[str]
