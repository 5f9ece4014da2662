"""Per-organization assistant settings: channel modes, the monthly budget, the price table of
its models and its own LLM endpoint, whose key is stored encrypted and never shown again."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai.models import AiSettings
from maitred.ai.repository import SETTINGS_ROW, SettingsRows
from maitred.kit.errors import ValidationFailed
from maitred.kit.reads import ReadPool

CHANNELS = ("web", "sms", "whatsapp", "telegram")
MODES = ("off", "draft", "auto")
# The website chat answers at once; a message channel waits for staff until they choose.
DEFAULT_MODES = {"web": "auto", "sms": "draft", "whatsapp": "draft", "telegram": "draft"}
# Per 1,000 tokens, in the organization's currency (a small hosted model's list price).
DEFAULT_PRICE = {"input_per_1k": "0.00015", "output_per_1k": "0.0006"}


async def row_of(session: AsyncSession, organization_id: uuid.UUID) -> AiSettings | None:
    """The organization's row, read once per unit of work (a chat turn asks twice)."""
    key = ("ai_settings", organization_id)
    if key not in session.info:
        session.info[key] = await SettingsRows(session, organization_id).one()
    row: AiSettings | None = session.info[key]
    return row


async def looked_up(
    reads: ReadPool, session: AsyncSession, organization_id: uuid.UUID
) -> AiSettings | None:
    """`row_of` for a unit of work that only reads the settings (a chat turn): one compiled
    read of the committed row (kit/reads.py), an unsaved AiSettings the session never writes."""
    key = ("ai_settings", organization_id)
    if key not in session.info:
        found = await reads.one(SETTINGS_ROW, organization_id=organization_id)
        session.info[key] = None if found is None else AiSettings(**found)
    row: AiSettings | None = session.info[key]
    return row


def read(row: AiSettings | None) -> dict[str, Any]:
    modes = dict(DEFAULT_MODES) | dict((row.channel_modes if row else None) or {})
    budget = row.monthly_budget_micros if row else None
    return {
        "channel_modes": modes,
        "monthly_budget": None if budget is None else float(Decimal(budget) / 1_000_000),
        "price_table": dict((row.price_table if row else None) or {}),
        "llm_base_url": row.llm_base_url if row else None,
        "llm_model": row.llm_model if row else None,
        "llm_api_key_set": bool(row and row.llm_api_key),
    }


def _check_prices(table: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for model, prices in table.items():
        if not isinstance(prices, dict) or set(prices) - {"input_per_1k", "output_per_1k"}:
            raise ValidationFailed(
                details={"price_table": f"{model}: give input_per_1k and output_per_1k"}
            )
        try:
            clean[str(model)[:200]] = {k: str(Decimal(str(v))) for k, v in prices.items()}
        except InvalidOperation:
            raise ValidationFailed(details={"price_table": f"{model}: not a number"}) from None
    return clean


async def update(
    session: AsyncSession, organization_id: uuid.UUID, changes: dict[str, Any]
) -> dict[str, Any]:
    rows = SettingsRows(session, organization_id)
    row = await rows.one() or rows.add(AiSettings(channel_modes={}, price_table={}))
    session.info[("ai_settings", organization_id)] = row
    if "channel_modes" in changes:
        modes = dict(row.channel_modes or {})
        for channel, mode in (changes["channel_modes"] or {}).items():
            if channel not in CHANNELS or mode not in MODES:
                raise ValidationFailed(
                    details={"channel_modes": f"Channels {CHANNELS}, modes {MODES}"}
                )
            modes[channel] = mode
        row.channel_modes = modes
    if "monthly_budget" in changes:
        budget = changes["monthly_budget"]
        row.monthly_budget_micros = (
            None if budget is None else int(Decimal(str(budget)) * 1_000_000)
        )
    if "price_table" in changes:
        row.price_table = _check_prices(changes["price_table"] or {})
    for name in ("llm_base_url", "llm_model", "llm_api_key"):
        if name in changes:
            setattr(row, name, changes[name] or None)
    await session.flush()
    return read(row)


def mode_for(row: AiSettings | None, channel: str) -> str:
    return str(read(row)["channel_modes"].get(channel, "off"))


def cost_micros(row: AiSettings | None, model: str, tokens_in: int, tokens_out: int) -> int:
    """What a call cost by the price table (the model's row, else the default prices)."""
    table = dict((row.price_table if row else None) or {})
    prices = table.get(model) or table.get("default") or DEFAULT_PRICE
    cost = Decimal(prices["input_per_1k"]) * tokens_in / 1000
    cost += Decimal(prices["output_per_1k"]) * tokens_out / 1000
    return int((cost * 1_000_000).to_integral_value())
