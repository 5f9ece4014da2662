"""Stored reports: what to compute (a figure, a period such as "last month", the formats), when
to run it by itself and for whom; and each run's files, kept for download."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, JSONType, TenantOwned, UTCDateTime


class ReportDefinition(TenantOwned, Base):
    __tablename__ = "report_definitions"
    name: Mapped[str] = mapped_column(String(200))
    figure: Mapped[str] = mapped_column(String(32))  # bookings, revenue, customers, funnel
    period: Mapped[str] = mapped_column(String(32))  # last_month, last_7_days, custom, ...
    start_date: Mapped[date | None]  # a custom period's
    end_date: Mapped[date | None]
    group_by: Mapped[str] = mapped_column(String(8), default="day")
    formats: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class ReportRun(TenantOwned, Base):
    __tablename__ = "report_runs"
    __table_args__ = (Index("ix_report_runs_org_created", "organization_id", "created_at"),)

    definition_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("report_definitions.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    figure: Mapped[str] = mapped_column(String(32))
    period_from: Mapped[date]
    period_to: Mapped[date]
    trigger: Mapped[str] = mapped_column(String(16), default="manual")  # manual, schedule
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the figure as answered
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class ReportFile(TenantOwned, Base):
    __tablename__ = "report_files"

    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("report_runs.id", ondelete="CASCADE"), index=True
    )
    format: Mapped[str] = mapped_column(String(8))  # csv, xlsx, pdf
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ReportSchedule(TenantOwned, Base):
    """When a definition runs by itself and to whom its files are emailed. The worker claims a
    due schedule with a lease (kit/leases.py: `status`, `attempts`, `next_attempt_at`,
    `locked_by`, `locked_until`); the run, its emails and the move to the next occurrence
    commit together, so each occurrence is run and emailed once however many workers run."""

    __tablename__ = "report_schedules"
    __table_args__ = (Index("ix_report_schedules_due", "status", "next_attempt_at"),)

    definition_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("report_definitions.id", ondelete="CASCADE"), unique=True
    )
    frequency: Mapped[str] = mapped_column(String(8))  # monthly, weekly
    day: Mapped[int]  # monthly: day of the month (a shorter month: its last); weekly: 0 = Monday
    hour: Mapped[int]  # local hour, in the organization's zone
    recipients: Mapped[list[str]] = mapped_column(JSONType, default=list)
    next_run_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the occurrence due (UTC)
    status: Mapped[str] = mapped_column(String(8), default="waiting")  # waiting, running
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())  # later on a retry
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_run_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("report_runs.id", ondelete="SET NULL")
    )
    last_error: Mapped[str | None] = mapped_column(Text)


class BookingDayFigures(TenantOwned, Base):
    """The bookings of one local event day, status and event type, summed: the rows the
    booking figures fold (bookings/figures_repository.DayRow), kept by outbox handlers
    (analytics/rollups.py) so a year's figures read about days × statuses × types rows instead
    of every booking."""

    __tablename__ = "booking_day_figures"
    __table_args__ = (
        UniqueConstraint("organization_id", "day", "status", "event_type"),
        # Covering: a period's rows are read from the index alone.
        Index(
            "ix_booking_day_figures_read",
            "organization_id",
            "day",
            "status",
            "event_type",
            "count",
            "guests",
            "recognised_minor",
            "earned_minor",
        ),
    )

    day: Mapped[date]
    status: Mapped[str] = mapped_column(String(16))
    event_type: Mapped[str] = mapped_column(String(32))
    count: Mapped[int]
    guests: Mapped[int] = mapped_column(BigInteger)
    recognised_minor: Mapped[int] = mapped_column(BigInteger)
    earned_minor: Mapped[int] = mapped_column(BigInteger)


class BookingDayTally(TenantOwned, Base):
    """How many of one local event day's bookings that went ahead (not cancelled) share one
    value: a start time (`kind` "time", key "18:00:00"), a city ("city") or days from request
    to event ("lead", key "12"); `amount_minor` is 0 (it held a customer's revenue when the
    customers were tallied here too). Kept with the booking-day figures (analytics/rollups.py),
    so popular times, top cities and lead time read these instead of a year of bookings."""

    __tablename__ = "booking_day_tallies"
    __table_args__ = (
        UniqueConstraint("organization_id", "day", "kind", "key"),
        # Covering, kind first: a period's tallies of one kind are read from the index alone.
        Index(
            "ix_booking_day_tallies_read",
            "organization_id",
            "kind",
            "day",
            "key",
            "count",
            "amount_minor",
        ),
    )

    day: Mapped[date]
    kind: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(255))
    count: Mapped[int]
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)  # a customer's recognised


class CustomerFirstBooking(TenantOwned, Base):
    """The event day of each customer's first booking that went ahead (not cancelled): a
    customer is new in the period holding it (analytics/customer_firsts.py keeps it)."""

    __tablename__ = "customer_first_bookings"
    __table_args__ = (
        UniqueConstraint("organization_id", "customer_id"),
        Index("ix_customer_first_bookings_org_day", "organization_id", "first_day"),
        # Derived from the bookings: a customer merge does not move these rows (the survivor
        # has its own); the duplicate's go with it (ON DELETE CASCADE).
        {"info": {"derived": True}},
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    first_day: Mapped[date]


class PaymentDayFigures(TenantOwned, Base):
    """Cash of one local day (the organization's zone), summed: succeeded payments by method
    (`kind` "payment") counted on the day they succeeded, and succeeded refunds ("refund",
    method "") on theirs; kept by outbox handlers (analytics/cash_days.py) so a year's cash
    collected reads days × methods rows instead of every payment."""

    __tablename__ = "payment_day_figures"
    __table_args__ = (UniqueConstraint("organization_id", "day", "kind", "method"),)

    day: Mapped[date]
    kind: Mapped[str] = mapped_column(String(8))
    method: Mapped[str] = mapped_column(String(16))
    count: Mapped[int]
    amount_minor: Mapped[int] = mapped_column(BigInteger)


class CountedBooking(TenantOwned, Base):
    """What one booking last counted for in the booking rollups (its day, status, type, sums,
    and for a booking that went ahead its time, city, lead time and customer): the worker moves
    the rollups by the difference between this and the booking's row now, then stores the new
    figures (analytics/counted.py), so a delivery touches a few rows, whatever the day holds."""

    __tablename__ = "counted_bookings"
    __table_args__ = (
        UniqueConstraint("booking_id"),
        # Derived from the bookings: a customer merge does not move these rows.
        {"info": {"derived": True}},
    )

    booking_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    day: Mapped[date]
    status: Mapped[str] = mapped_column(String(16))
    event_type: Mapped[str] = mapped_column(String(32))
    guests: Mapped[int]
    recognised_minor: Mapped[int] = mapped_column(BigInteger)
    earned_minor: Mapped[int] = mapped_column(BigInteger)
    event_time: Mapped[time]
    city: Mapped[str | None] = mapped_column(String(100))
    lead_days: Mapped[int]
    customer_id: Mapped[uuid.UUID]  # no key: the booking may have moved to another customer


class CountedCash(TenantOwned, Base):
    """What one succeeded payment or refund (`source_id`) last counted for in the cash rollup
    (analytics/models.PaymentDayFigures): its kind, local day, method and amount. The worker
    moves the rollup by the difference between these and the payment's rows now
    (analytics/cash_days.py)."""

    __tablename__ = "counted_cash"
    __table_args__ = (
        UniqueConstraint("source_id"),
        Index("ix_counted_cash_payment", "organization_id", "payment_id"),
    )

    source_id: Mapped[uuid.UUID]  # the payment's or the refund's id
    payment_id: Mapped[uuid.UUID]  # the payment itself, or the one refunded
    kind: Mapped[str] = mapped_column(String(8))
    day: Mapped[date]
    method: Mapped[str] = mapped_column(String(16))
    amount_minor: Mapped[int] = mapped_column(BigInteger)


class CustomerDay(TenantOwned, Base):
    """A local day on which a customer has a booking that went ahead (not cancelled), with
    their previous such day: the customers with a booking in a period are then the rows of the
    period whose previous day is before it (or none), a count over an index instead of a
    distinct count over every customer's days (analytics/customer_firsts.py keeps both)."""

    __tablename__ = "customer_days"
    __table_args__ = (
        UniqueConstraint("organization_id", "customer_id", "day"),
        Index("ix_customer_days_read", "organization_id", "day", "previous_day"),
        {"info": {"derived": True}},  # as CustomerFirstBooking: not moved by a merge
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    day: Mapped[date]
    previous_day: Mapped[date | None]


class CustomerYear(TenantOwned, Base):
    """A local year in which a customer has a booking that went ahead: its first and last such
    day, and the customer's last such day before it. The customers with a booking in a period
    that crosses a year's edge are then counted over about one row per customer and year
    (the first year's rows whose last day is in the period, the others' whose first day is and
    whose previous day is before it) instead of a year of customer days
    (analytics/customer_firsts.py keeps it with them)."""

    __tablename__ = "customer_years"
    __table_args__ = (
        UniqueConstraint("organization_id", "customer_id", "year_start"),
        Index("ix_customer_years_first", "organization_id", "first_day", "previous_day"),
        Index("ix_customer_years_last", "organization_id", "last_day"),
        {"info": {"derived": True}},  # as CustomerDay: not moved by a merge
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    year_start: Mapped[date]
    first_day: Mapped[date]
    last_day: Mapped[date]
    previous_day: Mapped[date | None]


class CustomerSpanFigures(TenantOwned, Base):
    """One customer's bookings that went ahead, and the revenue recognised from them, summed
    over one local day (`span` "d"), month ("m") or year ("y") starting on `start`, or a year
    starting on April ("a"), July ("j") or October 1 ("o"): a period's best customers add a
    few whole years or months and the edge days, minus what those spans hold outside the
    period (analytics/customer_spans.py), instead of a year of day rows. Keyed by the
    customer's id, not a string: grouping and sorting stay cheap."""

    __tablename__ = "customer_span_figures"
    __table_args__ = (
        UniqueConstraint("organization_id", "customer_id", "span", "start"),
        # Covering: a period's spans are summed from the index alone.
        Index(
            "ix_customer_span_figures_read",
            "organization_id",
            "span",
            "start",
            "amount_minor",
            "count",
            "customer_id",
        ),
        # Covering, by customer within a span: the big span's sums of a few thousand
        # candidates are probes of this index (analytics/customer_spans._picked, SQLite).
        Index(
            "ix_customer_span_figures_pick",
            "organization_id",
            "span",
            "start",
            "customer_id",
            "count",
            "amount_minor",
        ),
        {"info": {"derived": True}},  # as CountedBooking: a merge reconciles the bookings
    )

    customer_id: Mapped[uuid.UUID]  # no key: the bookings may move to another customer
    span: Mapped[str] = mapped_column(String(1))
    start: Mapped[date]
    count: Mapped[int]
    amount_minor: Mapped[int] = mapped_column(BigInteger)
