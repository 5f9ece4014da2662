"""The AI routes of seeds 000 and 003: the booking tools behind a sign-in (availability, a
booking draft from free text, a quote read from free-text requests) and the assistant's query,
reply draft, sentiment and usage. A draft is confirmed with POST /ai/confirm, like the chat's."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from maitred.ai import concierge, threads, usage
from maitred.ai.nlu import sentiment, understand_for_organization
from maitred.ai.schemas import (
    AiAvailabilityRequest,
    AiCreateBookingRequest,
    AiQuoteRequest,
    AssistantQuery,
    AssistantReply,
    ReplyDraft,
    SentimentRead,
    UsageRead,
)
from maitred.ai.tools import call_tool
from maitred.availability import service as availability_service
from maitred.availability.schemas import AvailabilityRead
from maitred.identity.deps import AuthContext, requires
from maitred.kit.deps import AppSettings, DbSession
from maitred.kit.errors import ErrorBody, NotFound
from maitred.pricing import service as pricing_service
from maitred.pricing.schemas import QuoteRead, QuoteRequest, UpgradeIn

router = APIRouter(tags=["ai"])
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
    404: {"model": ErrorBody, "description": "Another organization's project"},
    422: {"model": ErrorBody, "description": "Invalid input; `details` names each field"},
}
Staff = Annotated[AuthContext, requires("messages:read")]
ProjectQuery = Annotated[uuid.UUID | None, Query(description="Seed 003: the organization's id")]


def _project(auth: AuthContext, project_id: uuid.UUID | None) -> None:
    """Seed 003's project is the caller's organization; another one does not exist for them."""
    if project_id is not None and project_id != auth.org_id:
        raise NotFound("No such project")


def _place(location: Any) -> str | None:
    if location is None or isinstance(location, str):
        return location
    parts = [location.address, location.city, location.state, location.zip_code]
    return ", ".join(p for p in parts if p) or None


@router.post("/ai/availability", response_model=AvailabilityRead, responses=ERRORS)
async def ai_availability(
    body: AiAvailabilityRequest,
    auth: Annotated[AuthContext, requires("availability:read")],
    db: DbSession,
) -> dict[str, Any]:
    """Seed 000: free slots on the date, a price estimate, and nearby alternatives."""
    found = await availability_service.availability_in(
        db,
        organization_id=auth.org_id,
        day=body.date,
        guest_count=body.guest_count,
        location=_place(body.location),
    )
    if found is None:
        raise NotFound("No such organization")
    return found


def _name(customer_info: str) -> str | None:
    for part in customer_info.split(","):
        text = part.strip()
        if text and "@" not in text and not any(c.isdigit() for c in text):
            return text[:100]
    return None


@router.post("/ai/create-booking", responses=ERRORS)
async def ai_create_booking(
    body: AiCreateBookingRequest,
    auth: Annotated[AuthContext, requires("bookings:write")],
    db: DbSession,
) -> dict[str, Any]:
    """Seed 000: a booking draft read from free text. Complete, it comes with a
    `confirmation_token` for POST /ai/confirm (with its `thread_id`); nothing is booked before."""
    who = await understand_for_organization(db, auth.org_id, body.customer_info)
    what = await understand_for_organization(db, auth.org_id, body.event_details)
    extra = (
        await understand_for_organization(db, auth.org_id, body.special_requests)
        if body.special_requests
        else None
    )
    slots = {**(extra.slots if extra else {}), **what.slots}
    place = ", ".join(str(slots[k]) for k in ("address", "zip_code") if slots.get(k)) or slots.get(
        "city"
    )
    draft = {
        "name": who.slots.get("name") or _name(body.customer_info),
        "email": who.slots.get("email"),
        "phone": who.slots.get("phone"),
        "event_date": slots.get("date"),
        "event_time": slots.get("time"),
        "guest_count": slots.get("guest_count"),
        "event_type": slots.get("event_type") or "other",
        "location": place,
        "message": body.special_requests,
    }
    missing = [
        k for k in ("name", "phone", "event_date", "guest_count", "location") if not draft[k]
    ]
    thread = await threads.open_thread(db, auth.org_id, auth, None, channel="api")
    answer: dict[str, Any] = {
        "thread_id": f"thread_{thread.id}",
        "booking": draft,
        "upgrades": slots.get("upgrades", []),
        "missing": missing,
        "status": "incomplete" if missing else "draft",
        "confirmation_token": None,
        "summary": None,
    }
    if missing:
        return answer
    context = concierge.tool_context(thread, concierge.Caller(auth.org_id, auth), "offline")
    outcome = await call_tool(db, context, "create_booking", {k: v for k, v in draft.items() if v})
    answer["status"] = outcome.outcome if outcome.outcome != "draft" else "draft"
    answer["summary"] = outcome.message
    answer["confirmation_token"] = outcome.confirmation_token
    return answer


@router.post("/ai/generate-quote", response_model=QuoteRead, responses=ERRORS)
async def ai_generate_quote(
    body: AiQuoteRequest,
    auth: Annotated[AuthContext, requires("quotes:write")],
    db: DbSession,
) -> dict[str, Any]:
    """Seed 000: priced by the one pricing function; upgrades and the event type are read
    from `special_requests` (only the pricing policy's upgrades, only the business's types)."""
    understood = (
        await understand_for_organization(db, auth.org_id, body.special_requests)
        if body.special_requests
        else None
    )
    slots = understood.slots if understood else {}
    request = QuoteRequest(
        guest_count=body.guest_count,
        event_date=body.date,
        event_type=slots.get("event_type"),
        location=body.location,
        upgrades=[UpgradeIn(name=u, quantity=body.guest_count) for u in slots.get("upgrades", [])],
    )
    return await pricing_service.quote_request(db, organization_id=auth.org_id, body=request)


@router.post("/ai/query", response_model=AssistantReply, responses=ERRORS)
async def assistant_query(
    body: AssistantQuery, auth: Staff, db: DbSession, settings: AppSettings
) -> dict[str, Any]:
    """Seed 003: staff ask the assistant, which acts with their rights (`thread_id` goes on)."""
    _project(auth, body.project_id)
    caller = concierge.Caller(auth.org_id, auth)
    thread = await threads.open_thread(
        db, auth.org_id, auth, body.thread_id, channel="api", deferred=True
    )
    result = await concierge.respond(db, caller, thread, body.message, settings, endpoint="query")
    reply = result.reply
    return {
        "reply": reply.text,
        "function_calls": [{"name": t.tool, "parameters": t.arguments} for t in reply.tools],
        "tokens_used": reply.input_tokens + reply.output_tokens,
        "cost": round(thread.cost_micros / 1_000_000, 6),
        "model": reply.model,
        "thread_id": f"thread_{thread.id}",
    }


@router.post("/ai/generate-reply", response_model=ReplyDraft, responses=ERRORS)
async def generate_reply(
    auth: Staff,
    db: DbSession,
    settings: AppSettings,
    customer_message: Annotated[str, Query(min_length=1, max_length=4000)],
    project_id: ProjectQuery = None,
    order_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """Seed 003: a reply draft for staff to edit and send; nothing goes to the customer."""
    _project(auth, project_id)
    caller = concierge.Caller(auth.org_id, auth)
    thread = await threads.open_thread(db, auth.org_id, auth, None, channel="api", deferred=True)
    result = await concierge.respond(
        db, caller, thread, customer_message, settings, mode="draft", endpoint="generate_reply"
    )
    return {
        "reply": result.reply.text,
        "intent": result.reply.intent,
        "sentiment": sentiment(customer_message),
        "handed_off": result.reply.handoff is not None,
    }


_TONES = {
    "negative": "empathetic and proactive",
    "neutral": "friendly and clear",
    "positive": "warm and appreciative",
}
_URGENT = ("urgent", "asap", "immediately", "today", "tonight", "right now", "emergency", "ya")


@router.post("/ai/analyze-sentiment", response_model=SentimentRead, responses=ERRORS)
async def analyze_sentiment(
    auth: Staff,
    db: DbSession,
    message: Annotated[str, Query(min_length=1, max_length=4000)],
    project_id: ProjectQuery = None,
) -> dict[str, Any]:
    """Seed 003: the message's sentiment (VADER score -1..1), urgency, concerns and tone."""
    _project(auth, project_id)
    score = sentiment(message)
    label = "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
    understood = await understand_for_organization(db, auth.org_id, message)
    concerns = []
    if understood.intent not in ("other", "greeting", "feedback"):
        concerns.append(understood.intent.replace("_", " "))
    if understood.slots.get("topic"):
        concerns.append(str(understood.slots["topic"]).replace("_", " "))
    lowered = message.lower()
    urgency = (
        "high"
        if score <= -0.5 or any(word in lowered for word in _URGENT)
        else "medium"
        if label == "negative"
        else "low"
    )
    return {
        "sentiment": label,
        "score": round(score, 4),
        "urgency": urgency,
        "concerns": concerns,
        "recommended_tone": _TONES[label],
    }


@router.get("/ai/usage/{project_id}", response_model=UsageRead, responses=ERRORS)
async def project_usage(
    project_id: uuid.UUID,
    auth: Annotated[AuthContext, requires("analytics:read")],
    db: DbSession,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> dict[str, Any]:
    """Seed 003's usage statistics of the project (the caller's organization)."""
    _project(auth, project_id)
    return await usage.period(db, auth.org_id, days)
