"""Scheduled reports: a monthly report runs by itself on its day and hour in the organization's
zone, and its CSV, XLSX and PDF arrive by email at a real SMTP server, each opened with its own
reader; two workers at once still send one email, and the occurrence is not run again."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import update

from maitred.analytics.models import ReportSchedule
from maitred.config import Settings
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from tests.analytics.given import given_march
from tests.factories import deliver_everything, signed_in_as
from tests.messaging.providers.smtp_server import smtp_server

LA = ZoneInfo("America/Los_Angeles")
MONTHLY = {
    "name": "Monthly bookings",
    "figure": "bookings",
    "period": "last_month",
    "group_by": "week",
    "schedule": {
        "frequency": "monthly",
        "day_of_month": 1,
        "hour": 8,
        "recipients": ["owner@hibachi.example", "chef@hibachi.example"],
    },
}


async def _due_as_of(database: Database, report_id: str, local: datetime) -> None:
    """The schedule's occurrence moved to `local` (past), as if the worker had been waiting."""
    at = local.astimezone(UTC)
    async with database.transaction() as session:
        await session.execute(
            update(ReportSchedule)
            .where(ReportSchedule.definition_id == uuid.UUID(report_id))
            .values(next_run_at=at, next_attempt_at=at)
        )


def _attachments(arrived: Any) -> dict[str, tuple[str, bytes]]:
    return {
        part.get_filename().rsplit(".", 1)[1]: (
            part.get_content_type(),
            part.get_payload(decode=True),
        )
        for part in arrived.message.iter_attachments()
    }


async def test_a_monthly_report_arrives_once_by_email_with_its_three_files(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    march = await given_march(database)
    manager = await signed_in_as(client, database, "manager", march.organization)
    created = await client.post("/api/v1/reports", json=MONTHLY, headers=manager.headers)
    assert created.status_code == 201, created.text
    report = created.json()
    next_run = datetime.fromisoformat(report["schedule"]["next_run_at"]).astimezone(LA)
    assert (next_run.day, next_run.hour, next_run.minute) == (1, 8, 0)
    assert next_run > utcnow()

    await _due_as_of(database, report["id"], datetime(2026, 4, 1, 8, 0, tzinfo=LA))
    async with smtp_server() as (port, mailbox):
        worker_settings = settings.model_copy(
            update={
                "smtp_url": f"smtp://127.0.0.1:{port}",
                "email_from": "Hibachi at Home <reports@hibachi.example>",
            }
        )
        await asyncio.gather(
            deliver_everything(database, worker_settings),
            deliver_everything(database, worker_settings),
        )
        again = await client.get(f"/api/v1/reports/{report['id']}", headers=manager.headers)
        await deliver_everything(database, worker_settings)  # nothing more is due

    assert sorted(a.rcpt_tos[0] for a in mailbox.arrived) == [
        "chef@hibachi.example",
        "owner@hibachi.example",
    ]
    arrived = mailbox.arrived[0]
    assert arrived.message["Subject"] == "Report: Monthly bookings, 2026-03-01 to 2026-03-31"
    files = _attachments(arrived)
    assert {name: kind for name, (kind, _) in files.items()} == {
        "csv": "text/csv",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf",
    }
    rows = list(csv.reader(io.StringIO(files["csv"][1].decode())))
    assert ["Period", "2026-03-01 to 2026-03-31"] in rows
    assert ["Bookings", "5"] in rows
    assert ["2026-03-02", "2", "2", "0", "3000.0"] in rows  # the week of A and B
    sheet = load_workbook(io.BytesIO(files["xlsx"][1]))["Report"]
    assert ["Revenue (USD)", 3150] in [[c.value for c in row][:2] for row in sheet.iter_rows()]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(files["pdf"][1])).pages)
    assert "Monthly bookings: Bookings" in text
    assert "2026-03-01 to 2026-03-31" in text

    runs = (
        await client.get(f"/api/v1/reports/{report['id']}/runs", headers=manager.headers)
    ).json()
    [run] = runs
    assert (run["trigger"], run["period"]) == (
        "schedule",
        {"from": "2026-03-01", "to": "2026-03-31"},
    )
    kept = await client.get(run["files"][0]["url"], headers=manager.headers)
    assert kept.status_code == 200
    schedule = again.json()["schedule"]
    assert schedule["last_run_id"] == run["id"]
    following = datetime.fromisoformat(schedule["next_run_at"]).astimezone(LA)
    assert (following.day, following.hour) == (1, 8)
    assert following > utcnow()


async def test_schedules_are_checked_changed_and_removed(
    client: httpx.AsyncClient, database: Database
) -> None:
    march = await given_march(database)
    manager = await signed_in_as(client, database, "manager", march.organization)
    weekly = {"frequency": "weekly", "weekday": "monday", "hour": 7, "recipients": ["a@b.example"]}
    for schedule in (
        {**weekly, "weekday": None},
        {"frequency": "monthly", "hour": 7, "recipients": ["a@b.example"]},
        {**weekly, "recipients": []},
        {**weekly, "recipients": ["not an address"]},
        {**weekly, "hour": 24},
        {**weekly, "frequency": "daily"},
    ):
        refused = await client.post(
            "/api/v1/reports", json={**MONTHLY, "schedule": schedule}, headers=manager.headers
        )
        assert refused.status_code == 422, (schedule, refused.text)

    created = await client.post("/api/v1/reports", json=MONTHLY, headers=manager.headers)
    path = f"/api/v1/reports/{created.json()['id']}"
    changed = await client.patch(path, json={"schedule": weekly}, headers=manager.headers)
    assert changed.status_code == 200, changed.text
    monday = datetime.fromisoformat(changed.json()["schedule"]["next_run_at"]).astimezone(LA)
    assert (monday.weekday(), monday.hour) == (0, 7)
    renamed = await client.patch(path, json={"name": "Weekly"}, headers=manager.headers)
    assert renamed.json()["schedule"]["weekday"] == "monday"
    removed = await client.patch(path, json={"schedule": None}, headers=manager.headers)
    assert removed.json()["schedule"] is None
    assert (await client.get(path, headers=manager.headers)).json()["schedule"] is None
