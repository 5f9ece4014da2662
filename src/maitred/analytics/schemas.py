"""The answers of analytics: seed 000's and seed 001's keys first, then what they leave out.
Amounts are in the organization's currency; `change_percent` is null when the period before
had nothing to compare with."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from maitred.kit.clock import CalendarDate
from maitred.kit.money import Money
from maitred.kit.schemas import Input


class Span(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from", serialization_alias="from")
    to: date


class CityCount(BaseModel):
    city: str
    count: int


class BookingsPoint(BaseModel):
    period: date = Field(description="First day of the bucket (day, Monday of the week, 1st)")
    bookings: int
    confirmed: int
    cancelled: int
    revenue: Money


class PreviousBookings(BaseModel):
    period: Span
    total_bookings: int
    total_revenue: Money


class BookingsChange(BaseModel):
    bookings: float | None
    revenue: float | None


class WeekdayCount(BaseModel):
    weekday: str = Field(examples=["saturday"])
    bookings: int


class LeadTime(BaseModel):
    """Days from the request to the event, of bookings not cancelled (null: none)."""

    average_days: float | None
    median_days: float | None


class BookingStatistics(BaseModel):
    """Seed 000's `GET /analytics/bookings`, for bookings whose events fall in the period."""

    period: Span
    group_by: str
    currency: str
    total_bookings: int
    confirmed_bookings: int = Field(description="Confirmed and completed")
    pending_bookings: int
    cancelled_bookings: int
    no_show_bookings: int
    total_revenue: Money = Field(description="Recognised on the event date")
    average_booking_value: Money = Field(description="Of confirmed and completed bookings")
    average_party_size: float
    cancellation_rate: float = Field(description="Cancelled ÷ all bookings, 0-1")
    no_show_rate: float = Field(description="No-shows ÷ bookings not cancelled, 0-1")
    popular_times: list[str]
    popular_days: list[WeekdayCount] = Field(description="Weekdays by bookings not cancelled")
    lead_time: LeadTime
    top_locations: list[CityCount]
    by_status: dict[str, int]
    by_event_type: dict[str, int]
    series: list[BookingsPoint]
    previous: PreviousBookings
    change_percent: BookingsChange


class AmountPoint(BaseModel):
    period: date
    amount: Money


class Recognised(BaseModel):
    total: Money
    previous: Money
    change_percent: float | None
    trend: str
    series: list[AmountPoint]


class MethodTotal(BaseModel):
    payment_method: str
    count: int
    amount: Money


class Collected(BaseModel):
    scope: Literal["organization"] = Field(
        description="Payments are the organization's, also when a location is asked"
    )
    gross: Money
    refunded: Money
    net: Money
    payments: int
    refunds: int
    by_method: list[MethodTotal]
    previous_net: Money
    change_percent: float | None
    trend: str


class RevenueReport(BaseModel):
    """Revenue recognised on the event date and cash collected on the payment date."""

    period: Span
    group_by: str
    currency: str
    recognised: Recognised
    collected: Collected
    average_booking_value: Money
    deposits_outstanding: Money = Field(description="Unpaid deposits of pending bookings")
    balances_due: Money = Field(description="Still owed on active bookings of the period")


class TopCustomer(BaseModel):
    id: uuid.UUID
    name: str
    bookings: int
    revenue: Money


class CustomersChange(BaseModel):
    new: float | None
    returning: float | None


class CustomerAnalytics(BaseModel):
    period: Span
    currency: str
    new: int = Field(description="Customers whose first booking ever is in the period")
    returning: int = Field(description="Customers with a booking in the period and one before")
    active: int = Field(description="Customers with a booking in the year to the period's end")
    repeat_rate: float = Field(description="Returning ÷ customers who booked in the period")
    change_percent: CustomersChange
    top_customers: list[TopCustomer]


class RevenueSummary(BaseModel):
    total: Money
    change_percent: float | None
    trend: str


class BookingsSummary(BaseModel):
    total: int
    confirmed: int
    pending: int
    cancelled: int
    change_percent: float | None


class CustomersSummary(BaseModel):
    new: int
    returning: int
    total_active: int


class DayAmount(BaseModel):
    date: date
    amount: Money


class Charts(BaseModel):
    revenue_by_day: list[DayAmount]
    bookings_by_type: dict[str, int]


class AdminAnalytics(BaseModel):
    """Seed 001's `GET /admin/analytics`; sections not asked for in `metric` are left out."""

    period: Span
    revenue: RevenueSummary | None = None
    bookings: BookingsSummary | None = None
    customers: CustomersSummary | None = None
    charts: Charts


class FunnelStage(BaseModel):
    stage: str
    count: int


class FunnelCounts(BaseModel):
    leads: int
    contacted: int = Field(description="Leads that reached contacted or any later stage")
    quoted: int
    won: int
    booked: int = Field(description="Leads that became a booking")
    lost: int
    conversion_rate: float = Field(description="Booked ÷ leads, 0-1")


class SourceFunnel(FunnelCounts):
    source: str


class StaffFunnel(FunnelCounts):
    user_id: uuid.UUID | None = Field(description="Whom the leads were assigned to; null: nobody")


class FunnelChange(BaseModel):
    leads: float | None
    booked: float | None


class SalesFunnel(FunnelCounts):
    """Leads that came in during the period and how far they got."""

    period: Span
    scope: Literal["organization"] = Field(description="Leads have no location")
    stages: list[FunnelStage]
    by_source: list[SourceFunnel]
    by_staff: list[StaffFunnel]
    change_percent: FunnelChange


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
EMAIL = r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$"


class ReportScheduleIn(Input):
    """Runs the report by itself and emails its files to the recipients."""

    frequency: Literal["monthly", "weekly"]
    day_of_month: int | None = Field(
        default=None, ge=1, le=31, description="Monthly: the day; a shorter month: its last day"
    )
    weekday: Weekday | None = Field(default=None, description="Weekly: the day")
    hour: int = Field(default=8, ge=0, le=23, description="Local hour in the organization's zone")
    recipients: list[Annotated[str, Field(max_length=320, pattern=EMAIL)]] = Field(
        min_length=1, max_length=20, examples=[["owner@example.com"]]
    )

    @model_validator(mode="after")
    def _day_given(self) -> ReportScheduleIn:
        if self.frequency == "monthly" and self.day_of_month is None:
            raise ValueError("A monthly schedule needs day_of_month")
        if self.frequency == "weekly" and self.weekday is None:
            raise ValueError("A weekly schedule needs weekday")
        return self


class ReportScheduleRead(BaseModel):
    frequency: str
    day_of_month: int | None
    weekday: str | None
    hour: int
    recipients: list[str]
    next_run_at: datetime = Field(description="The next occurrence, in UTC")
    last_run_id: uuid.UUID | None
    last_error: str | None = Field(description="Why the last scheduled run failed, if it did")


class ReportDefinitionCreate(Input):
    name: str = Field(min_length=1, max_length=200, examples=["Monthly revenue"])
    figure: Literal["bookings", "revenue", "customers", "funnel"]
    period: Literal[
        "last_7_days", "last_30_days", "last_week", "last_month", "this_month", "custom"
    ] = Field(description="Resolved on the day the report runs, in the organization's zone")
    start_date: CalendarDate | None = Field(default=None, description="A custom period's")
    end_date: CalendarDate | None = None
    group_by: Literal["day", "week", "month"] = "day"
    formats: list[Literal["csv", "xlsx", "pdf"]] = Field(
        default=["csv", "xlsx", "pdf"], min_length=1, max_length=3
    )
    schedule: ReportScheduleIn | None = None


class ReportDefinitionUpdate(Input):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    period: (
        Literal["last_7_days", "last_30_days", "last_week", "last_month", "this_month", "custom"]
        | None
    ) = None
    start_date: CalendarDate | None = None
    end_date: CalendarDate | None = None
    group_by: Literal["day", "week", "month"] | None = None
    formats: list[Literal["csv", "xlsx", "pdf"]] | None = Field(
        default=None, min_length=1, max_length=3
    )
    schedule: ReportScheduleIn | None = Field(
        default=None, description="Replaces the schedule; null removes it; absent keeps it"
    )


class ReportDefinitionRead(BaseModel):
    id: uuid.UUID
    name: str
    figure: str
    period: str
    start_date: date | None
    end_date: date | None
    group_by: str
    formats: list[str]
    schedule: ReportScheduleRead | None
    created_at: datetime
    updated_at: datetime


class ReportFileRead(BaseModel):
    format: str
    size: int
    url: str = Field(description="Download it with the same credentials")


class ReportRunRead(BaseModel):
    id: uuid.UUID
    definition_id: uuid.UUID | None
    name: str
    figure: str
    period: Span
    trigger: str
    created_at: datetime
    summary: dict[str, Any] = Field(description="The figure's answer, as its endpoint gives it")
    files: list[ReportFileRead]


def _day_as_written(value: Any) -> Any:
    """Seed 003 sends `2025-01-31T23:59:59Z`: the day is the one written, in no zone."""
    if isinstance(value, str) and len(value) > 10 and value[10] in "T ":
        return value[:10]
    if isinstance(value, datetime):
        return value.date()
    return value


SeedDay = Annotated[CalendarDate, BeforeValidator(_day_as_written)]


class GenerateReport(Input):
    """Seed 003's `POST /reports/{project_id}/generate`."""

    report_type: Literal["sales", "messages", "performance"] = "sales"
    start_date: SeedDay | None = Field(default=None, examples=["2025-01-01T00:00:00Z"])
    end_date: SeedDay | None = Field(default=None, examples=["2025-01-31T23:59:59Z"])
    filters: dict[str, Any] = Field(
        default_factory=dict, max_length=0, description="Seed 003's; none are defined yet"
    )


class GeneratedReportRead(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID = Field(description="The organization")
    report_type: str
    summary: str = Field(description="One line, in the caller's language")
    payload: dict[str, Any]
    generated_at: datetime
