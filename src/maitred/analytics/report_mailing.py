"""Scheduled reports, run by the worker and emailed with their files attached.

A due schedule is claimed with a lease (kit/leases.py, `FOR UPDATE SKIP LOCKED` on PostgreSQL).
Its occurrence then runs in one transaction that first re-takes the lease only if it is still
this worker's (a compare-and-swap), then computes and keeps the run, queues one email per
recipient and moves the schedule to its next occurrence: all of it commits or none of it, so
with any number of workers an occurrence is run and emailed once. The emails name the run's
files (messaging/attached.py); the sender reads them from the run when it sends.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics import reports, schedules
from maitred.analytics.models import ReportFile, ReportSchedule
from maitred.kit import i18n, letters
from maitred.kit.clock import utcnow
from maitred.kit.leases import backoff, claim_due
from maitred.kit.pollers import PollContext, poller
from maitred.messaging import attached
from maitred.messaging.providers.base import Media
from maitred.tenancy import service as tenancy_service

log = logging.getLogger("maitred.reports")
SOURCE = "report_run"
BATCH = 5
LEASE_SECONDS = 300.0
MAX_ATTEMPTS = 5  # then the occurrence is skipped, with its error kept on the schedule


@poller("analytics.scheduled_reports")
async def run_due(context: PollContext) -> int:
    claimed = await claim_due(
        context.database,
        ReportSchedule,
        worker_id=context.worker_id,
        waiting="waiting",
        working="running",
        batch=BATCH,
        lease_seconds=LEASE_SECONDS,
    )
    for schedule_id in claimed:
        await run_one(context, schedule_id)
    return len(claimed)


async def _still_ours(session: AsyncSession, schedule_id: uuid.UUID, worker_id: str) -> bool:
    renewed = await session.execute(
        update(ReportSchedule)
        .where(
            ReportSchedule.id == schedule_id,
            ReportSchedule.locked_by == worker_id,
            ReportSchedule.status == "running",
        )
        .values(locked_until=utcnow() + timedelta(seconds=LEASE_SECONDS))
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(renewed, "rowcount", 0))


async def run_one(context: PollContext, schedule_id: uuid.UUID) -> None:
    async with context.database.transaction() as session:
        if not await _still_ours(session, schedule_id, context.worker_id):
            return  # its lease lapsed and another worker has it
        schedule = await session.get(ReportSchedule, schedule_id)
        assert schedule is not None
        organization = await tenancy_service.get(session, schedule.organization_id)
        assert organization is not None
        zone = organization.timezone
        try:
            async with session.begin_nested():
                run = await reports.run_report(
                    session,
                    schedule.organization_id,
                    schedule.definition_id,
                    user_id=None,
                    trigger="schedule",
                    as_of=schedule.next_run_at.astimezone(ZoneInfo(zone)).date(),
                )
                await _email(session, schedule, run, i18n.supported(organization.locale))
        except Exception as exc:
            log.warning("scheduled report %s failed: %s", schedule_id, exc, exc_info=True)
            schedule.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if schedule.attempts < MAX_ATTEMPTS:
                schedule.status, schedule.locked_by, schedule.locked_until = "waiting", None, None
                schedule.next_attempt_at = utcnow() + backoff(
                    schedule.attempts, base_seconds=60.0, max_seconds=3600.0
                )
                return
        else:
            schedule.last_run_id, schedule.last_error = run["id"], None
        _advance(schedule, zone)


def _advance(schedule: ReportSchedule, zone: str) -> None:
    """To the next occurrence after now: occurrences missed while no worker ran are not
    run one after another, only the one due."""
    due = schedules.next_occurrence(
        schedule.frequency, schedule.day, schedule.hour, zone, max(utcnow(), schedule.next_run_at)
    )
    schedule.next_run_at = schedule.next_attempt_at = due
    schedule.status, schedule.attempts = "waiting", 0
    schedule.locked_by = schedule.locked_until = None


async def _email(
    session: AsyncSession, schedule: ReportSchedule, run: dict[str, object], language: str | None
) -> None:
    period = run["period"]
    assert isinstance(period, dict)
    values = {
        "name": run["name"],
        "start": period["from"],
        "end": period["to"],
    }
    subject = i18n.gettext("Report: {name}, {start} to {end}", language, **values)
    body = i18n.gettext(
        "Your scheduled report {name} for {start} to {end} is attached. It is also kept "
        "with the report's runs for download.\n",
        language,
        **values,
    )
    for recipient in schedule.recipients:
        await letters.queue(
            session,
            schedule.organization_id,
            letters.Outgoing(
                channel="email",
                to=recipient,
                subject=subject,
                body_text=body,
                template="report.scheduled",
                dedupe_key=f"report:{run['id']}:{recipient}",
                meta=attached.naming(SOURCE, str(run["id"])),
            ),
        )


@attached.source(SOURCE)
async def run_files(session: AsyncSession, organization_id: uuid.UUID, ref: str) -> list[Media]:
    """The run's files, for the emails that carry them."""
    rows = await session.scalars(
        select(ReportFile)
        .where(ReportFile.organization_id == organization_id, ReportFile.run_id == uuid.UUID(ref))
        .order_by(ReportFile.format)
    )
    return [
        Media(url="", content_type=row.content_type, name=row.filename, data=row.content)
        for row in rows
    ]
