"""Stored reports run on demand: last month's revenue as CSV, XLSX and PDF, each file opened
with its own reader to check the figures (not just that bytes came back)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta

import httpx
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from tests.analytics.given import given_march
from tests.factories import signed_in_as


async def test_custom_period_report_in_three_formats(
    client: httpx.AsyncClient, database: Database
) -> None:
    march = await given_march(database)
    manager = await signed_in_as(client, database, "manager", march.organization)
    created = await client.post(
        "/api/v1/reports",
        json={
            "name": "March bookings",
            "figure": "bookings",
            "period": "custom",
            "start_date": "2026-03-01",
            "end_date": "2026-03-31",
            "group_by": "week",
        },
        headers=manager.headers,
    )
    assert created.status_code == 201, created.text
    report = created.json()
    assert report["formats"] == ["csv", "xlsx", "pdf"]

    ran = await client.post(f"/api/v1/reports/{report['id']}/run", headers=manager.headers)
    assert ran.status_code == 201, ran.text
    run = ran.json()
    assert run["period"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert run["summary"]["total_bookings"] == 5
    urls = {f["format"]: f["url"] for f in run["files"]}
    assert set(urls) == {"csv", "xlsx", "pdf"}

    as_csv = await client.get(urls["csv"], headers=manager.headers)
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment;" in as_csv.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert ["Bookings", "5"] in rows
    assert ["2026-03-02", "2", "2", "0", "3000.0"] in rows  # the week of A and B

    as_xlsx = await client.get(urls["xlsx"], headers=manager.headers)
    assert as_xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(as_xlsx.content))["Report"]
    assert isinstance(sheet, Worksheet)
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert ["Revenue (USD)", 3150] in [row[:2] for row in values]
    assert "xl/charts/chart1.xml" in zipfile.ZipFile(io.BytesIO(as_xlsx.content)).namelist()

    as_pdf = await client.get(urls["pdf"], headers=manager.headers)
    assert as_pdf.status_code == 200
    assert as_pdf.content.startswith(b"%PDF-")

    listed = await client.get(f"/api/v1/reports/{report['id']}/runs", headers=manager.headers)
    assert [r["id"] for r in listed.json()] == [run["id"]]


async def test_last_month_is_resolved_on_the_day_it_runs(
    client: httpx.AsyncClient, database: Database
) -> None:
    march = await given_march(database)
    manager = await signed_in_as(client, database, "manager", march.organization)
    created = await client.post(
        "/api/v1/reports",
        json={
            "name": "Monthly funnel",
            "figure": "funnel",
            "period": "last_month",
            "formats": ["csv"],
        },
        headers=manager.headers,
    )
    assert created.status_code == 201, created.text
    run = (
        await client.post(f"/api/v1/reports/{created.json()['id']}/run", headers=manager.headers)
    ).json()
    first_of_this_month = utcnow().date().replace(day=1)  # Los Angeles may be a day behind
    last_month_end = date.fromisoformat(run["period"]["to"])
    assert last_month_end.day >= 28
    assert (first_of_this_month - last_month_end) <= timedelta(days=32)
    assert date.fromisoformat(run["period"]["from"]).day == 1


async def test_reports_are_refused_when_wrong_and_kept_to_their_organization(
    client: httpx.AsyncClient, database: Database
) -> None:
    march = await given_march(database)
    manager = await signed_in_as(client, database, "manager", march.organization)
    for body in (
        {"name": "x", "figure": "bookings", "period": "custom"},  # no dates
        {"name": "x", "figure": "payroll", "period": "last_month"},
        {"name": "x", "figure": "bookings", "period": "last_month", "formats": ["docx"]},
        {"name": "x", "figure": "bookings", "period": "last_month", "to": "a@b.example"},
    ):
        refused = await client.post("/api/v1/reports", json=body, headers=manager.headers)
        assert refused.status_code == 422, (body, refused.text)

    created = await client.post(
        "/api/v1/reports",
        json={"name": "Ours", "figure": "revenue", "period": "last_30_days", "formats": ["csv"]},
        headers=manager.headers,
    )
    run = (
        await client.post(f"/api/v1/reports/{created.json()['id']}/run", headers=manager.headers)
    ).json()
    staff = await signed_in_as(client, database, "staff", march.organization)
    assert (await client.post("/api/v1/reports", json={}, headers=staff.headers)).status_code == 403

    other = await signed_in_as(client, database, "admin")
    for path in (
        f"/api/v1/reports/{created.json()['id']}",
        f"/api/v1/reports/runs/{run['id']}",
        run["files"][0]["url"],
    ):
        assert (await client.get(path, headers=other.headers)).status_code == 404, path
    gone = await client.delete(f"/api/v1/reports/{created.json()['id']}", headers=other.headers)
    assert gone.status_code == 404
    still = await client.get(f"/api/v1/reports/{created.json()['id']}", headers=manager.headers)
    assert still.status_code == 200
