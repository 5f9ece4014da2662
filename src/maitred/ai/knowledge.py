"""What the assistant knows of the business, read live: policy answers from the organization's
settings (deposit, minimum, travel fee, cancellation, closed days, ...), the menu's dietary
tags, and the FAQ entries staff approved. Nothing here is hard-coded per business."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai.models import AiFaq
from maitred.ai.repository import Faqs
from maitred.kit.errors import NotFound
from maitred.menu import service as menu_service
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.settings import OrganizationSettings

WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
TOPICS = (
    "deposit",
    "cancellation",
    "travel_fee",
    "minimum",
    "hours",
    "payment",
    "service_area",
    "gratuity",
)
_WORD = re.compile(r"[a-záéíóúñü0-9]+")
_STOP = frozenset(
    {
        "a",
        "an",
        "the",
        "is",
        "are",
        "do",
        "does",
        "you",
        "your",
        "we",
        "our",
        "i",
        "my",
        "me",
        "of",
        "to",
        "for",
        "in",
        "on",
        "at",
        "and",
        "or",
        "it",
        "can",
        "what",
        "how",
        "when",
        "where",
        "which",
        "who",
        "with",
        "be",
        "have",
        "has",
        "there",
        "this",
        "that",
        "el",
        "la",
        "los",
        "las",
        "de",
        "que",
        "en",
        "y",
        "un",
        "una",
        "es",
        "se",
        "por",
        "para",
        "con",
    }
)


def _money(amount: Decimal, currency: str) -> str:
    symbol = "$" if currency in ("USD", "CAD", "AUD") else ""
    return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {currency}"


async def settings_of(
    session: AsyncSession, organization_id: uuid.UUID
) -> tuple[OrganizationSettings, str, str]:
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        raise NotFound("No such organization")
    settings = tenancy_service.settings_of(organization)
    return settings, settings.pricing.currency or organization.currency, organization.name


def _deposit(settings: OrganizationSettings, currency: str) -> str:
    pricing = settings.pricing
    parts = []
    if pricing.deposit_fixed:
        parts.append(f"a deposit of {_money(pricing.deposit_fixed, currency)}")
    if pricing.deposit_percent:
        parts.append(f"{pricing.deposit_percent * 100:.0f}% of the total as a deposit")
    if not parts:
        return "We don't take a deposit up front; the balance is settled for the event."
    text = "We ask " + " or ".join(parts)
    if pricing.deposit_minimum:
        text += f" (at least {_money(pricing.deposit_minimum, currency)})"
    return text + " to hold your date; the rest is due at the event."


def _cancellation(settings: OrganizationSettings) -> str:
    tiers = sorted(settings.payments.cancellation_policy, key=lambda t: -t.days_before)
    hours = settings.bookings.customer_cancel_hours
    lines = [f"You can cancel online until {hours} hours before the event."]
    for tier in tiers:
        share = f"{tier.refund_rate * 100:.0f}%"
        lines.append(
            f"Cancel at least {tier.days_before} days before: {share} of the deposit back."
        )
    if not tiers:
        lines.append("Deposits are refunded by arrangement with the team.")
    return " ".join(lines)


def _travel(settings: OrganizationSettings, currency: str) -> str:
    pricing = settings.pricing
    if pricing.travel_fee_zones:
        zones = "; ".join(
            f"{z.name}: {_money(z.fee, currency)}" for z in pricing.travel_fee_zones[:5]
        )
        return f"Travel fees by area: {zones}."
    if pricing.travel_per_mile and pricing.travel_base_zip:
        return (
            f"Travel is free within {pricing.travel_free_miles:.0f} miles of "
            f"{pricing.travel_base_zip}"
            f", then {_money(pricing.travel_per_mile, currency)} per mile."
        )
    return "There is no travel fee."


def policy_answer(settings: OrganizationSettings, currency: str, topic: str | None) -> str:
    pricing, calendar = settings.pricing, settings.availability
    if topic == "deposit":
        return _deposit(settings, currency)
    if topic == "cancellation":
        return _cancellation(settings)
    if topic == "travel_fee":
        return _travel(settings, currency)
    if topic == "minimum":
        if pricing.minimum_total:
            return f"Our party minimum is {_money(pricing.minimum_total, currency)}."
        return "There is no party minimum."
    if topic == "hours":
        closed = [WEEKDAYS[d - 1] for d in sorted(calendar.closed_weekdays)]
        slots = ", ".join(calendar.slot_times)
        text = f"Events start at {slots}." if slots else "We book events all day."
        if closed:
            text += f" We are closed on {', '.join(closed)}."
        return text
    if topic == "service_area":
        area = ", ".join(calendar.service_area)
        return f"We serve {area}." if area else "Tell me where the event is and I'll check."
    if topic == "gratuity":
        rates = ", ".join(f"{r * 100:.0f}%" for r in pricing.gratuity_suggestion_rates)
        return (
            f"Gratuity is up to you; guests often give {rates}."
            if rates
            else ("Gratuity is up to you and never charged automatically.")
        )
    if topic == "payment":
        return (
            _deposit(settings, currency) + " You can pay the deposit online with the link we send."
        )
    adult = _money(pricing.price_per_adult, currency)
    return f"Pricing starts at {adult} per adult. " + _deposit(settings, currency)


async def business_facts(
    session: AsyncSession, organization_id: uuid.UUID, topic: str | None
) -> str:
    settings, currency, _name = await settings_of(session, organization_id)
    return policy_answer(settings, currency, topic)


async def menu_answer(session: AsyncSession, organization_id: uuid.UUID, dietary: list[str]) -> str:
    menu = await menu_service.public_menu(session, organization_id=organization_id)
    items = [item for group in menu["categories"] for item in group["items"]]
    if not items:
        return "Our menu is being updated; the team will gladly help with any request."
    if dietary:
        wanted = {d.lower() for d in dietary}
        fitting = [i["name"] for i in items if wanted <= {t.lower() for t in i["dietary_tags"]}]
        label = " and ".join(d.replace("_", "-") for d in dietary)
        if fitting:
            return f"Our {label} options: {', '.join(fitting[:12])}."
        return (
            f"None of our menu items is marked {label} yet; the chef can adapt dishes on request."
        )
    return "On our menu: " + ", ".join(i["name"] for i in items[:12]) + "."


def _terms(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def best_faq(entries: list[AiFaq], question: str) -> AiFaq | None:
    """The approved entry sharing the most words with the question (at least half of its own)."""
    asked = _terms(question)
    best, best_score = None, 0.0
    for entry in entries:
        terms = _terms(entry.question)
        if not terms or not asked:
            continue
        score = len(asked & terms) / len(terms)
        if score > best_score:
            best, best_score = entry, score
    return best if best_score >= 0.5 else None


async def faq_answer(
    session: AsyncSession, organization_id: uuid.UUID, question: str
) -> str | None:
    entries = list(await Faqs(session, organization_id).approved())
    found = best_faq(entries, question)
    if found is None:
        return None
    found.asked_count += 1
    return found.answer


async def suggest_faq(session: AsyncSession, organization_id: uuid.UUID, question: str) -> None:
    """An unanswered question, kept for staff to answer and approve (once per wording)."""
    faqs = Faqs(session, organization_id)
    text = " ".join(question.split())[:500]
    for entry in await faqs.listed("suggested"):
        if entry.question.casefold() == text.casefold():
            entry.asked_count += 1
            return
    faqs.add(AiFaq(question=text, answer="", status="suggested", asked_count=1, active=True))
    await session.flush()
