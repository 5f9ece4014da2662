"""Report definitions, runs and their files, scoped to one organization."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from maitred.analytics.models import ReportDefinition, ReportFile, ReportRun
from maitred.kit.repository import Repository


class ReportDefinitions(Repository[ReportDefinition]):
    model = ReportDefinition
    not_found_message = "Report not found"


class ReportRuns(Repository[ReportRun]):
    model = ReportRun
    not_found_message = "Report run not found"

    async def of_definition(self, definition_id: uuid.UUID, limit: int) -> Sequence[ReportRun]:
        statement = (
            self.scoped()
            .where(ReportRun.definition_id == definition_id)
            .order_by(ReportRun.created_at.desc(), ReportRun.id)
            .limit(limit)
        )
        return await self.all(statement)


class ReportFiles(Repository[ReportFile]):
    model = ReportFile
    not_found_message = "Report file not found"

    async def of_runs(self, run_ids: Sequence[uuid.UUID]) -> Sequence[tuple[uuid.UUID, str, int]]:
        """(run id, format, size) of the runs' files, without their contents."""
        if not run_ids:
            return []
        statement = (
            select(ReportFile.run_id, ReportFile.format, ReportFile.size)
            .where(ReportFile.organization_id == self.organization_id)
            .where(ReportFile.run_id.in_(run_ids))
            .order_by(ReportFile.run_id, ReportFile.format)
        )
        return [(r, f, s) for r, f, s in (await self.session.execute(statement)).all()]

    async def one(self, run_id: uuid.UUID, file_format: str) -> ReportFile | None:
        statement = self.scoped().where(
            ReportFile.run_id == run_id, ReportFile.format == file_format
        )
        found: ReportFile | None = await self.session.scalar(statement)
        return found
