"""Stored report definitions and their runs: a run computes the figure for the definition's
period as of today (a "last month" report run in June covers May), renders each format and
keeps the files for download (seed 003's and seed 004's reports map onto this)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics import funnel as funnel_service
from maitred.analytics import schedules
from maitred.analytics import service as analytics_service
from maitred.analytics.models import ReportDefinition, ReportFile, ReportRun, ReportSchedule
from maitred.analytics.periods import GroupBy, Period, period_of
from maitred.analytics.report_files import CONTENT_TYPES, RENDERERS
from maitred.analytics.report_tables import table_of
from maitred.analytics.reports_repository import ReportDefinitions, ReportFiles, ReportRuns
from maitred.kit.errors import NotFound, ValidationFailed

PERIODS = ("last_7_days", "last_30_days", "last_week", "last_month", "this_month", "custom")
RUNS_SHOWN = 20


def resolve(period: str, start: date | None, end: date | None, today: date) -> Period:
    """The days a named period covers as of `today` (weeks from Monday)."""
    if period == "custom":
        if start is None or end is None:
            raise ValidationFailed(
                details={"period": "A custom period needs start_date and end_date"}
            )
        return period_of(start, end, today)
    if period == "last_7_days":
        return Period(today - timedelta(days=6), today)
    if period == "last_30_days":
        return Period(today - timedelta(days=29), today)
    if period == "last_week":
        monday = today - timedelta(days=today.weekday() + 7)
        return Period(monday, monday + timedelta(days=6))
    first_of_month = today.replace(day=1)
    if period == "this_month":
        return Period(first_of_month, today)
    last_of_previous = first_of_month - timedelta(days=1)
    return Period(last_of_previous.replace(day=1), last_of_previous)


def definition_read(
    definition: ReportDefinition, schedule: ReportSchedule | None = None
) -> dict[str, Any]:
    return {
        "id": definition.id,
        "name": definition.name,
        "figure": definition.figure,
        "period": definition.period,
        "start_date": definition.start_date,
        "end_date": definition.end_date,
        "group_by": definition.group_by,
        "formats": list(definition.formats),
        "schedule": schedules.schedule_read(schedule),
        "created_at": definition.created_at,
        "updated_at": definition.updated_at,
    }


def _check(fields: dict[str, Any]) -> None:
    if fields.get("period") == "custom" and not (
        fields.get("start_date") and fields.get("end_date")
    ):
        raise ValidationFailed(details={"period": "A custom period needs start_date and end_date"})


async def create_definition(
    session: AsyncSession,
    organization_id: uuid.UUID,
    user_id: uuid.UUID | None,
    fields: dict[str, Any],
) -> dict[str, Any]:
    _check(fields)
    wanted = fields.pop("schedule", None)
    definition = ReportDefinitions(session, organization_id).add(
        ReportDefinition(created_by=user_id, **fields)
    )
    await session.flush()
    return definition_read(
        definition, await _schedule(session, organization_id, definition.id, wanted)
    )


async def _schedule(
    session: AsyncSession,
    organization_id: uuid.UUID,
    definition_id: uuid.UUID,
    wanted: dict[str, Any] | None,
) -> ReportSchedule | None:
    _, _, zone = await analytics_service.organization_context(session, organization_id)
    return await schedules.set_schedule(session, organization_id, definition_id, wanted, zone)


async def list_definitions(
    session: AsyncSession, organization_id: uuid.UUID
) -> list[dict[str, Any]]:
    repository = ReportDefinitions(session, organization_id)
    rows = await repository.all(repository.scoped().order_by(ReportDefinition.name))
    found = await schedules.of_definitions(session, organization_id, [row.id for row in rows])
    return [definition_read(row, found.get(row.id)) for row in rows]


async def get_definition(
    session: AsyncSession, organization_id: uuid.UUID, definition_id: uuid.UUID
) -> dict[str, Any]:
    definition = await ReportDefinitions(session, organization_id).get_or_404(definition_id)
    found = await schedules.of_definitions(session, organization_id, [definition.id])
    return definition_read(definition, found.get(definition.id))


async def update_definition(
    session: AsyncSession,
    organization_id: uuid.UUID,
    definition_id: uuid.UUID,
    changes: dict[str, Any],
) -> dict[str, Any]:
    definition = await ReportDefinitions(session, organization_id).get_or_404(definition_id)
    _check({**definition_read(definition), **changes})
    rescheduled = "schedule" in changes
    wanted = changes.pop("schedule", None)
    for name, value in changes.items():
        setattr(definition, name, value)
    await session.flush()
    if rescheduled:
        schedule = await _schedule(session, organization_id, definition.id, wanted)
    else:
        schedule = (await schedules.of_definitions(session, organization_id, [definition.id])).get(
            definition.id
        )
    return definition_read(definition, schedule)


async def delete_definition(
    session: AsyncSession, organization_id: uuid.UUID, definition_id: uuid.UUID
) -> None:
    """Its runs and their files stay readable (their definition becomes null)."""
    definition = await ReportDefinitions(session, organization_id).get_or_404(definition_id)
    await session.delete(definition)
    await session.flush()


async def _answer(
    session: AsyncSession, organization_id: uuid.UUID, definition: ReportDefinition, period: Period
) -> dict[str, Any]:
    group_by = GroupBy(definition.group_by)
    if definition.figure == "bookings":
        return await analytics_service.bookings_report(
            session, organization_id, start=period.start, end=period.end, group_by=group_by
        )
    if definition.figure == "revenue":
        return await analytics_service.revenue_report(
            session, organization_id, start=period.start, end=period.end, group_by=group_by
        )
    if definition.figure == "customers":
        return await analytics_service.customers_report(
            session, organization_id, start=period.start, end=period.end
        )
    return await funnel_service.funnel_report(
        session, organization_id, start=period.start, end=period.end
    )


def run_read(run: ReportRun, files: list[tuple[str, int]]) -> dict[str, Any]:
    return {
        "id": run.id,
        "definition_id": run.definition_id,
        "name": run.name,
        "figure": run.figure,
        "period": {"from": run.period_from, "to": run.period_to},
        "trigger": run.trigger,
        "created_at": run.created_at,
        "summary": run.summary,
        "files": [
            {
                "format": file_format,
                "size": size,
                "url": f"/api/v1/reports/runs/{run.id}/files/{file_format}",
            }
            for file_format, size in files
        ],
    }


async def run_report(
    session: AsyncSession,
    organization_id: uuid.UUID,
    definition_id: uuid.UUID,
    *,
    user_id: uuid.UUID | None,
    trigger: str = "manual",
    as_of: date | None = None,
) -> dict[str, Any]:
    """Computes the figure for the definition's period as of today (a schedule's: as of the
    occurrence's local day, so a late worker still reports the month it was due for), renders
    every format."""
    definition = await ReportDefinitions(session, organization_id).get_or_404(definition_id)
    if as_of is None:
        as_of, _, _ = await analytics_service.organization_context(session, organization_id)
    period = resolve(definition.period, definition.start_date, definition.end_date, as_of)
    answer = await _answer(session, organization_id, definition, period)
    run = ReportRuns(session, organization_id).add(
        ReportRun(
            definition_id=definition.id,
            name=definition.name,
            figure=definition.figure,
            period_from=period.start,
            period_to=period.end,
            trigger=trigger,
            summary=to_jsonable_python(answer),
            created_by=user_id,
        )
    )
    await session.flush()
    table = table_of(definition.figure, definition.name, answer)
    files: list[tuple[str, int]] = []
    for file_format in definition.formats:
        content = RENDERERS[file_format](table)
        ReportFiles(session, organization_id).add(
            ReportFile(
                run_id=run.id,
                format=file_format,
                filename=f"{definition.figure}-{period.start}-{period.end}.{file_format}",
                content_type=CONTENT_TYPES[file_format],
                size=len(content),
                content=content,
            )
        )
        files.append((file_format, len(content)))
    await session.flush()
    return run_read(run, files)


async def runs_of(
    session: AsyncSession, organization_id: uuid.UUID, definition_id: uuid.UUID
) -> list[dict[str, Any]]:
    """The definition's latest runs, newest first."""
    await ReportDefinitions(session, organization_id).get_or_404(definition_id)
    runs = await ReportRuns(session, organization_id).of_definition(definition_id, RUNS_SHOWN)
    files = await ReportFiles(session, organization_id).of_runs([run.id for run in runs])
    return [
        run_read(run, [(f, size) for run_id, f, size in files if run_id == run.id]) for run in runs
    ]


async def get_run(
    session: AsyncSession, organization_id: uuid.UUID, run_id: uuid.UUID
) -> dict[str, Any]:
    run = await ReportRuns(session, organization_id).get_or_404(run_id)
    files = await ReportFiles(session, organization_id).of_runs([run.id])
    return run_read(run, [(f, size) for _, f, size in files])


async def report_file(
    session: AsyncSession, organization_id: uuid.UUID, run_id: uuid.UUID, file_format: str
) -> ReportFile:
    found = await ReportFiles(session, organization_id).one(run_id, file_format)
    if found is None:
        raise NotFound("Report file not found")
    return found
