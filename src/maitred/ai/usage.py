"""The usage ledger: every engine call with its engine, model, tokens, cost (by the price table
in the organization's AI settings) and latency; period totals and the monthly budget."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai import ai_settings, turn_rows
from maitred.ai.models import AiSettings
from maitred.ai.repository import Threads, UsageLedger
from maitred.kit.clock import utcnow


def month_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


async def record(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    row: AiSettings | None,
    thread_id: uuid.UUID | None,
    endpoint: str,
    engine: str,
    model: str,
    input_tokens: int,
    output_tokens: int,
    latency_ms: int,
    fallback_reason: str | None = None,
) -> int:
    """Writes the call to the ledger; returns its cost in micros (0 for the offline engine)."""
    cost = (
        ai_settings.cost_micros(row, model, input_tokens, output_tokens) if engine == "llm" else 0
    )
    await turn_rows.insert_usage(
        session,
        {
            "organization_id": organization_id,
            "thread_id": thread_id,
            "endpoint": endpoint[:40],
            "engine": engine,
            "model": model[:200],
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cost_micros": cost,
            "latency_ms": latency_ms,
            "fallback_reason": fallback_reason,
        },
    )
    if thread_id is not None and cost:
        await Threads(session, organization_id).add_cost(thread_id, cost)
    return cost


async def budget_spent(
    session: AsyncSession, organization_id: uuid.UUID, row: AiSettings | None
) -> bool:
    if row is None or row.monthly_budget_micros is None:
        return False
    totals = await UsageLedger(session, organization_id).totals(month_start(utcnow()))
    return int(totals["cost_micros"]) >= row.monthly_budget_micros


def _money(micros: int) -> float:
    return round(micros / 1_000_000, 6)


async def period(session: AsyncSession, organization_id: uuid.UUID, days: int) -> dict[str, Any]:
    """Seed 003's usage answer, with the ledger's detail beside it."""
    now = utcnow()
    ledger = UsageLedger(session, organization_id)
    totals = await ledger.totals(now - timedelta(days=days))
    month = await ledger.totals(month_start(now))
    row = await ai_settings.row_of(session, organization_id)
    calls = totals["calls"]
    cost = totals["cost_micros"]
    return {
        "period_days": days,
        "total_api_calls": calls,
        "total_tokens_used": totals["input_tokens"] + totals["output_tokens"],
        "input_tokens": totals["input_tokens"],
        "output_tokens": totals["output_tokens"],
        "total_cost_usd": _money(cost),
        "total_cost": _money(cost),
        "average_cost_per_call": _money(cost // calls) if calls else 0.0,
        "average_latency_ms": round(totals["average_latency_ms"], 1),
        "calls_by_engine": await ledger.by_engine(now - timedelta(days=days)),
        "month_to_date_cost": _money(month["cost_micros"]),
        "monthly_budget": (
            None
            if row is None or row.monthly_budget_micros is None
            else _money(row.monthly_budget_micros)
        ),
    }
