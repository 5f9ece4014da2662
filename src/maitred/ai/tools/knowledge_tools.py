"""Read-only tools over what the business publishes: its policies and its menu."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai import knowledge
from maitred.ai.tools.registry import Tool, ToolContext, tool
from maitred.kit.schemas import Input


class PolicyArgs(Input):
    topic: Literal[knowledge.TOPICS] | None = None  # type: ignore[valid-type]


class MenuArgs(Input):
    dietary: list[str] = Field(default_factory=list, max_length=5)


async def _policy(session: AsyncSession, context: ToolContext, args: PolicyArgs) -> dict[str, Any]:
    return {"answer": await knowledge.business_facts(session, context.organization_id, args.topic)}


async def _menu(session: AsyncSession, context: ToolContext, args: MenuArgs) -> dict[str, Any]:
    return {
        "answer": await knowledge.menu_answer(
            session, context.organization_id, [d[:40] for d in args.dietary]
        )
    }


business_policy = tool(
    Tool(
        name="business_policy",
        description="The business's live policy on deposit, cancellation, travel_fee, minimum, "
        "hours, payment, service_area or gratuity",
        arguments=PolicyArgs,
        run=_policy,
        reads_only=True,
    )
)
menu_info = tool(
    Tool(
        name="menu_info",
        description="The menu, or its items fitting dietary needs (vegetarian, vegan, ...)",
        arguments=MenuArgs,
        run=_menu,
        reads_only=True,
    )
)
