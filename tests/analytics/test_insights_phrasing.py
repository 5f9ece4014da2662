"""Insights reworded by the organization's language model (the local OpenAI-compatible
stand-in), on the March book: tests/analytics/test_insights.py has the rule texts."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from maitred.kit.db import Database
from tests.ai.given import given_llm
from tests.ai.llm_standin import Running, StandIn, Step
from tests.analytics.given import given_march
from tests.factories import signed_in_as

MARCH = {"start_date": "2026-03-01", "end_date": "2026-03-31"}


@pytest.fixture(scope="module")
def llm() -> Iterator[StandIn]:
    with Running() as state:
        yield state


async def test_the_model_rewords_but_may_not_change_a_figure(
    client: httpx.AsyncClient, database: Database, llm: StandIn
) -> None:
    march = await given_march(database)
    admin = await signed_in_as(client, database, "admin", march.organization)
    await given_llm(client, admin.headers, llm.url)
    llm.script(
        Step(
            content=json.dumps(
                [
                    "Great news: bookings are up 400%, to 5 from 1.",
                    "Revenue more than quadrupled.",  # drops 350%, 3,150 and 700: not used
                    "Wednesdays are quiet (0 bookings vs 0.7): worth a promotion.",
                    "Thursdays are quiet (0 bookings vs 0.7): worth a promotion.",
                ]
            )
        )
    )
    body = (await client.get("/api/v1/insights", params=MARCH, headers=admin.headers)).json()
    assert body["generated_by"] == "ai"
    assert [i["message"] for i in body["insights"]] == [
        "Great news: bookings are up 400%, to 5 from 1.",
        "Revenue rose 350% to 3,150, from 700 the period before.",
        "Wednesdays are quiet (0 bookings vs 0.7): worth a promotion.",
        "Thursdays are quiet (0 bookings vs 0.7): worth a promotion.",
    ]
    assert body["insights"][1]["figure"]["value"] == 3150.0
    shown = llm.shown_to_model()
    assert "Revenue rose 350% to 3,150" in shown
    assert "Customer 1" not in shown  # the rule texts only, no customer's data

    llm.script(Step(content="Sorry, I cannot help with that."))
    fallback = (await client.get("/api/v1/insights", params=MARCH, headers=admin.headers)).json()
    assert fallback["generated_by"] == "rules"
    assert fallback["insights"][0]["message"] == (
        "Bookings rose 400% to 5, from 1 the period before."
    )
