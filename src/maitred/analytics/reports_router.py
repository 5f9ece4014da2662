"""/reports: stored report definitions, run on demand or on a schedule, their runs and files
(CSV, XLSX, PDF); and seed 003's `/reports/{project_id}` generate, list, get and delete on the
same runs. Readers of analytics read and download; writers define, run and delete."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from maitred.analytics import generated_reports
from maitred.analytics import reports as reports_service
from maitred.analytics.schemas import (
    GeneratedReportRead,
    GenerateReport,
    ReportDefinitionCreate,
    ReportDefinitionRead,
    ReportDefinitionUpdate,
    ReportRunRead,
)
from maitred.identity.deps import AuthContext, requires
from maitred.kit.deps import DbSession
from maitred.kit.list_params import ListQuery, list_query
from maitred.kit.pagination import Page, Pagination

router = APIRouter(prefix="/reports", tags=["reports"])

Reader = Annotated[AuthContext, requires("analytics:read")]
Writer = Annotated[AuthContext, requires("analytics:write")]


@router.get("", response_model=list[ReportDefinitionRead])
async def list_reports(auth: Reader, db: DbSession) -> list[dict[str, Any]]:
    return await reports_service.list_definitions(db, auth.org_id)


@router.post("", response_model=ReportDefinitionRead, status_code=201)
async def create_report(
    body: ReportDefinitionCreate, auth: Writer, db: DbSession
) -> dict[str, Any]:
    return await reports_service.create_definition(db, auth.org_id, auth.user_id, body.model_dump())


@router.get("/{report_id}", response_model=ReportDefinitionRead | Page[GeneratedReportRead])
async def get_report(
    report_id: uuid.UUID,
    auth: Reader,
    db: DbSession,
    page: Pagination,
    listing: Annotated[ListQuery, list_query(sorts=("created_at",))],
    report_type: Annotated[
        Literal["sales", "messages", "performance"] | None,
        Query(description="Seed 003's list only: one kind"),
    ] = None,
) -> dict[str, Any]:
    """A stored report. Seed 003's `GET /reports/{project_id}` shares this path: given the
    organization's own id, it lists the generated reports (every run), newest first."""
    if report_id == auth.org_id:
        return await generated_reports.listed(
            db, auth.org_id, report_id, report_type, page, listing
        )
    return await reports_service.get_definition(db, auth.org_id, report_id)


@router.patch("/{report_id}", response_model=ReportDefinitionRead)
async def update_report(
    report_id: uuid.UUID, body: ReportDefinitionUpdate, auth: Writer, db: DbSession
) -> dict[str, Any]:
    return await reports_service.update_definition(
        db, auth.org_id, report_id, body.model_dump(exclude_unset=True)
    )


@router.delete("/{report_id}", status_code=204)
async def delete_report(report_id: uuid.UUID, auth: Writer, db: DbSession) -> Response:
    await reports_service.delete_definition(db, auth.org_id, report_id)
    return Response(status_code=204)


@router.post("/{report_id}/run", response_model=ReportRunRead, status_code=201)
async def run_report(report_id: uuid.UUID, auth: Writer, db: DbSession) -> dict[str, Any]:
    """Computes it now for its period as of today; the files are kept with the run."""
    return await reports_service.run_report(db, auth.org_id, report_id, user_id=auth.user_id)


@router.get("/{report_id}/runs", response_model=list[ReportRunRead])
async def report_runs(report_id: uuid.UUID, auth: Reader, db: DbSession) -> list[dict[str, Any]]:
    """The latest 20 runs, newest first."""
    return await reports_service.runs_of(db, auth.org_id, report_id)


@router.get("/runs/{run_id}", response_model=ReportRunRead)
async def report_run(run_id: uuid.UUID, auth: Reader, db: DbSession) -> dict[str, Any]:
    return await reports_service.get_run(db, auth.org_id, run_id)


@router.get(
    "/runs/{run_id}/files/{file_format}",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}
                },
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            },
            "description": "The file, as an attachment",
        }
    },
)
async def report_file(
    run_id: uuid.UUID, file_format: Literal["csv", "xlsx", "pdf"], auth: Reader, db: DbSession
) -> Response:
    found = await reports_service.report_file(db, auth.org_id, run_id, file_format)
    return Response(
        content=found.content,
        media_type=found.content_type,
        headers={"Content-Disposition": f'attachment; filename="{found.filename}"'},
    )


@router.post("/{project_id}/generate", response_model=GeneratedReportRead, status_code=201)
async def generate_report(
    project_id: uuid.UUID, body: GenerateReport, auth: Writer, db: DbSession
) -> dict[str, Any]:
    """Seed 003: computes a report now and keeps it (a run without a stored definition)."""
    return await generated_reports.generate(
        db,
        auth.org_id,
        project_id,
        user_id=auth.user_id,
        report_type=body.report_type,
        start=body.start_date,
        end=body.end_date,
    )


@router.get("/{project_id}/{report_id}", response_model=GeneratedReportRead)
async def generated_report(
    project_id: uuid.UUID, report_id: uuid.UUID, auth: Reader, db: DbSession
) -> dict[str, Any]:
    """Seed 003: one generated report (any run, as `report_type`, `summary`, `payload`)."""
    return await generated_reports.get(db, auth.org_id, project_id, report_id)


@router.delete("/{project_id}/{report_id}", status_code=204)
async def delete_generated_report(
    project_id: uuid.UUID, report_id: uuid.UUID, auth: Writer, db: DbSession
) -> Response:
    """Seed 003: the run and its files."""
    await generated_reports.delete(db, auth.org_id, project_id, report_id)
    return Response(status_code=204)
