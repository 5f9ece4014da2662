"""Stored reports: what to compute (a figure, a period such as "last month", the formats); and
each run's files, kept for download."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, JSONType, TenantOwned


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
