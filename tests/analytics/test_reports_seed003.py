"""Seed 003's `/reports/{project_id}` (generate, list, get, delete) on the stored reports'
runs: the project is the caller's organization, and another organization's is not found."""

from __future__ import annotations

import httpx

from maitred.kit.db import Database
from tests.analytics.given import given_march
from tests.factories import signed_in_as

MARCH = {"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-03-31T23:59:59Z", "filters": {}}


async def test_seed_003_reports_are_generated_listed_read_and_deleted(
    client: httpx.AsyncClient, database: Database
) -> None:
    march = await given_march(database)
    project = march.organization.id
    manager = await signed_in_as(client, database, "manager", march.organization)
    base = f"/api/v1/reports/{project}"

    sales = await client.post(
        f"{base}/generate", json={"report_type": "sales", **MARCH}, headers=manager.headers
    )
    assert sales.status_code == 201, sales.text
    report = sales.json()
    assert (report["project_id"], report["report_type"]) == (str(project), "sales")
    assert report["payload"]["total_orders"] == 5  # A, B, C, D, E of March (local days)
    assert float(report["payload"]["total_revenue"]) == 3150
    assert report["payload"]["period"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert report["summary"].startswith("5 bookings with 3150")
    made = {
        kind: await client.post(
            f"{base}/generate", json={"report_type": kind, **MARCH}, headers=manager.headers
        )
        for kind in ("performance", "messages")
    }
    assert [r.status_code for r in made.values()] == [201, 201]
    assert made["performance"].json()["payload"]["bookings"]["total"] == 5
    assert made["messages"].json()["payload"]["total_sent"] == 0

    listed = await client.get(base, params={"report_type": "sales"}, headers=manager.headers)
    assert listed.status_code == 200, listed.text
    assert [r["id"] for r in listed.json()["items"]] == [report["id"]]
    everything = (await client.get(base, params={"limit": 2}, headers=manager.headers)).json()
    assert everything["pagination"]["total_items"] == 3
    assert len(everything["items"]) == 2
    oldest = await client.get(base, params={"sort_order": "asc"}, headers=manager.headers)
    assert oldest.json()["items"][0]["id"] == report["id"]
    assert (await client.get(f"{base}/{report['id']}", headers=manager.headers)).json() == report

    other = await signed_in_as(client, database, "admin")
    assert other.organization is not None
    theirs = f"/api/v1/reports/{other.organization.id}"
    for method, path in (
        ("GET", f"{base}/{report['id']}"),
        ("DELETE", f"{base}/{report['id']}"),
        ("GET", f"{theirs}/{report['id']}"),
        ("DELETE", f"{theirs}/{report['id']}"),
    ):
        assert (await client.request(method, path, headers=other.headers)).status_code == 404
    refused = await client.post(
        f"{base}/generate", json={"report_type": "sales"}, headers=other.headers
    )
    assert refused.status_code == 404
    assert (await client.get(theirs, headers=other.headers)).json()["items"] == []

    gone = await client.delete(f"{base}/{report['id']}", headers=manager.headers)
    assert gone.status_code == 204
    assert (await client.get(f"{base}/{report['id']}", headers=manager.headers)).status_code == 404
    assert (await client.get(base, headers=manager.headers)).json()["pagination"][
        "total_items"
    ] == 2
