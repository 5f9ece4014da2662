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
from maitred.kit.i18n import gettext
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


def _deposit(settings: OrganizationSettings, currency: str, lang: str) -> str:
    pricing = settings.pricing
    parts = []
    if pricing.deposit_fixed:
        amount = _money(pricing.deposit_fixed, currency)
        parts.append(gettext("a deposit of {amount}", lang, amount=amount))
    if pricing.deposit_percent:
        share = f"{pricing.deposit_percent * 100:.0f}%"
        parts.append(gettext("{share} of the total as a deposit", lang, share=share))
    if not parts:
        return gettext(
            "We don't take a deposit up front; the balance is settled for the event.", lang
        )
    text = gettext("We ask {what}", lang, what=gettext(" or ", lang).join(parts))
    if pricing.deposit_minimum:
        text += " " + gettext(
            "(at least {amount})", lang, amount=_money(pricing.deposit_minimum, currency)
        )
    return text + " " + gettext("to hold your date; the rest is due at the event.", lang)


def _cancellation(settings: OrganizationSettings, lang: str) -> str:
    tiers = sorted(settings.payments.cancellation_policy, key=lambda t: -t.days_before)
    hours = settings.bookings.customer_cancel_hours
    lines = [gettext("You can cancel online until {hours} hours before the event.", lang,
                     hours=hours)]  # fmt: skip
    for tier in tiers:
        lines.append(
            gettext(
                "Cancel at least {days} days before: {share} of the deposit back.",
                lang,
                days=tier.days_before,
                share=f"{tier.refund_rate * 100:.0f}%",
            )
        )
    if not tiers:
        lines.append(gettext("Deposits are refunded by arrangement with the team.", lang))
    return " ".join(lines)


def _travel(settings: OrganizationSettings, currency: str, lang: str) -> str:
    pricing = settings.pricing
    if pricing.travel_fee_zones:
        zones = "; ".join(
            f"{z.name}: {_money(z.fee, currency)}" for z in pricing.travel_fee_zones[:5]
        )
        return gettext("Travel fees by area: {zones}.", lang, zones=zones)
    if pricing.travel_per_mile and pricing.travel_base_zip:
        return gettext(
            "Travel is free within {miles} miles of {zip_code}, then {rate} per mile.",
            lang,
            miles=f"{pricing.travel_free_miles:.0f}",
            zip_code=pricing.travel_base_zip,
            rate=_money(pricing.travel_per_mile, currency),
        )
    return gettext("There is no travel fee.", lang)


def policy_answer(
    settings: OrganizationSettings, currency: str, topic: str | None, lang: str = "en"
) -> str:
    pricing, calendar = settings.pricing, settings.availability
    if topic == "deposit":
        return _deposit(settings, currency, lang)
    if topic == "cancellation":
        return _cancellation(settings, lang)
    if topic == "travel_fee":
        return _travel(settings, currency, lang)
    if topic == "minimum":
        if pricing.minimum_total:
            minimum = _money(pricing.minimum_total, currency)
            return gettext("Our party minimum is {amount}.", lang, amount=minimum)
        return gettext("There is no party minimum.", lang)
    if topic == "hours":
        closed = [gettext(WEEKDAYS[d - 1], lang) for d in sorted(calendar.closed_weekdays)]
        slots = ", ".join(calendar.slot_times)
        text = (
            gettext("Events start at {times}.", lang, times=slots)
            if slots
            else gettext("We book events all day.", lang)
        )
        if closed:
            text += " " + gettext("We are closed on {days}.", lang, days=", ".join(closed))
        return text
    if topic == "service_area":
        area = ", ".join(calendar.service_area)
        if area:
            return gettext("We serve {area}.", lang, area=area)
        return gettext("Tell me where the event is and I'll check.", lang)
    if topic == "gratuity":
        rates = ", ".join(f"{r * 100:.0f}%" for r in pricing.gratuity_suggestion_rates)
        if rates:
            return gettext("Gratuity is up to you; guests often give {rates}.", lang, rates=rates)
        return gettext("Gratuity is up to you and never charged automatically.", lang)
    if topic == "payment":
        return (
            _deposit(settings, currency, lang)
            + " "
            + gettext("You can pay the deposit online with the link we send.", lang)
        )
    adult = _money(pricing.price_per_adult, currency)
    return (
        gettext("Pricing starts at {amount} per adult.", lang, amount=adult)
        + " "
        + _deposit(settings, currency, lang)
    )


async def business_facts(
    session: AsyncSession, organization_id: uuid.UUID, topic: str | None, lang: str = "en"
) -> str:
    settings, currency, _name = await settings_of(session, organization_id)
    return policy_answer(settings, currency, topic, lang)


async def menu_answer(
    session: AsyncSession, organization_id: uuid.UUID, dietary: list[str], lang: str = "en"
) -> str:
    menu = await menu_service.public_menu(session, organization_id=organization_id)
    items = [item for group in menu["categories"] for item in group["items"]]
    if not items:
        return gettext(
            "Our menu is being updated; the team will gladly help with any request.", lang
        )
    if dietary:
        wanted = {d.lower() for d in dietary}
        fitting = [i["name"] for i in items if wanted <= {t.lower() for t in i["dietary_tags"]}]
        label = gettext(" and ", lang).join(d.replace("_", "-") for d in dietary)
        if fitting:
            return gettext(
                "Our {label} options: {items}.", lang, label=label, items=", ".join(fitting[:12])
            )
        return gettext(
            "None of our menu items is marked {label} yet; the chef can adapt dishes on request.",
            lang,
            label=label,
        )
    names = ", ".join(i["name"] for i in items[:12])
    return gettext("On our menu: {items}.", lang, items=names)


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
