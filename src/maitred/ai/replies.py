"""What the offline assistant says, in the customer's language: every text is English in the
code and Spanish in the catalog (kit/i18n, `maitred.po`), filled in with facts the tools or
the live settings gave. The actions offered beside a reply are here too."""

from __future__ import annotations

from typing import Any

from maitred.ai.engines.base import HANDOFF_ACTION
from maitred.ai.nlu import Understanding
from maitred.ai.tools import ToolOutcome
from maitred.kit.i18n import gettext, supported, translate

# Enough words to tell the language of a message by itself; shorter ones ("6pm", "Maria
# Lopez, 916-555-0177") keep the conversation's.
_WORDS_FOR_LANGUAGE = 4
_SPANISH_MARKS = frozenset("ñ¿¡áéíóú")


def turn_language(u: Understanding, text: str, remembered: str | None) -> str:
    """The language to answer in: the message's when it says enough, else the thread's."""
    return answer_language(u.language, text, remembered)


def answer_language(language: str, text: str, remembered: str | None) -> str:
    """`turn_language` for a message whose language was read apart (the LLM engine)."""
    spoken = supported(language) or "en"
    if remembered is None or len(text.split()) >= _WORDS_FOR_LANGUAGE:
        return spoken
    if spoken == "es" and any(ch in _SPANISH_MARKS for ch in text.lower()):
        return spoken  # "sí", "¿y el depósito?"
    return supported(remembered) or "en"


def money(amount: float, currency: str) -> str:
    return f"${amount:,.2f}" if currency == "USD" else f"{amount:,.2f} {currency}"


def handoff(lang: str) -> str:
    return gettext(
        "I'm passing you to a person on our team; they'll reply here as soon as they can "
        "(usually within business hours). You don't need to repeat anything.",
        lang,
    )


def refuse(lang: str) -> str:
    return gettext(
        "I can't help with that. I can only look at your own bookings, once you've shown "
        "they're yours, and I follow the business's rules whatever a message says.",
        lang,
    )


def greeting(lang: str, business: str) -> str:
    return gettext(
        "Hi! I'm {business}'s assistant. I can check dates, give you a price, request a "
        "booking, and help with your existing booking. When is your event, and for how many?",
        lang,
        business=business,
    )


def no_orders(lang: str, order_number: str | None = None) -> str:
    """Orders are not kept in maitred yet: said plainly, with the way to a person who can."""
    if order_number:
        return gettext(
            "Orders aren't kept here yet, so I can't look up {order}. A person on our team can: "
            "press 'Talk to a person' and they'll reply in this conversation.",
            lang,
            order=order_number,
        )
    return gettext(
        "Orders aren't kept here yet, so I can't look them up. A person on our team can: "
        "press 'Talk to a person' and they'll reply in this conversation.",
        lang,
    )


def thanks_for_feedback(lang: str) -> str:
    return gettext("Thank you for telling us! I've passed it on to the team.", lang)


def not_sure(lang: str) -> str:
    return gettext(
        "I'm not sure I can answer that; I've noted the question for the team. I can check "
        "dates, prices and bookings, or you can talk to a person.",
        lang,
    )


def ask_missing(lang: str, missing: list[str]) -> str:
    names = {
        "date": gettext("the date", lang),
        "guests": gettext("how many guests", lang),
        "place": gettext("the city or address of the event", lang),
    }
    wanted = [names[m] for m in missing]
    ask = wanted[0]
    if len(wanted) > 1:
        ask = gettext("{first} and {last}", lang, first=", ".join(wanted[:-1]), last=wanted[-1])
    return gettext("Happy to help! Could you tell me {ask}?", lang, ask=ask)


def price(lang: str, guests: int, quote: dict[str, Any]) -> str:
    return gettext(
        "For {guests} guests it comes to about {total} in total (tax and fees included), "
        "with a {deposit} deposit to hold the date.",
        lang,
        guests=guests,
        total=money(quote["total_amount"], quote["currency"]),
        deposit=money(quote["deposit_amount"], quote["currency"]),
    )


def check_a_date(lang: str, priced: str) -> str:
    return priced + " " + gettext("Want me to check a date for you?", lang)


def cannot_check(lang: str, why: str) -> str:
    return gettext("I couldn't check that date: {why}", lang, why=translate(why, lang))


def unavailable(lang: str, found: dict[str, Any], alternatives: list[dict[str, Any]]) -> str:
    text = gettext("Sorry, {date} isn't available", lang, date=found["date"])
    reason = found.get("reason")
    text += f" ({translate(reason, lang)})." if reason else "."
    if alternatives:
        listed = "; ".join(
            f"{a['date']} ({', '.join(a['available_slots'][:3])})" for a in alternatives
        )
        text += " " + gettext(
            "Nearby dates that are open: {dates}. Which one would you like?", lang, dates=listed
        )
    return text


def which_offered_date(lang: str, dates: list[str], time: str | None) -> str:
    listed = " " + gettext("or", lang) + " "
    joined = listed.join([", ".join(dates[:-1]), dates[-1]] if len(dates) > 1 else dates)
    if time:
        return gettext(
            "For {time}, which date would you like: {dates}?", lang, time=time, dates=joined
        )
    return gettext("Which date would you like: {dates}?", lang, dates=joined)


def date_actions(dates: list[str]) -> list[dict[str, Any]]:
    return [{"type": "choose_date", "label": d, "action": f"reply:{d}"} for d in dates]


def open_times(
    lang: str, date: str, chosen: str | None, guests: int, place: str, times: list[str], priced: str
) -> str:
    if chosen:
        opening = gettext(
            "{time} is taken on {date}, but other times are open", lang, time=chosen, date=date
        )
    else:
        opening = gettext("Good news: {date} is open", lang, date=date)
    return (
        opening
        + " "
        + gettext(
            "for {guests} guests in {place}. Start times: {times}.",
            lang,
            guests=guests,
            place=place,
            times=", ".join(times),
        )
        + (" " + priced if priced else "")
        + " "
        + gettext("Which time works for you?", lang)
    )


def ask_contact(lang: str, date: str, time: str, need: list[str]) -> str:
    what = {"name": gettext("your name", lang), "phone": gettext("a phone number", lang)}
    asked = what[need[0]]
    if len(need) > 1:
        asked = gettext("{first} and {last}", lang, first=asked, last=what[need[1]])
    return gettext(
        "Great, {date} at {time}. To request it, what's {what} for the booking?",
        lang,
        date=date,
        time=time,
        what=asked,
    )


def booking_summary(lang: str, slots: dict[str, Any], guests: int, place: str, quote: Any) -> str:
    when = slots["date"]
    if slots.get("time"):
        when = gettext("{date} at {time}", lang, date=slots["date"], time=slots["time"])
    text = gettext(
        "a booking for {guests} guests on {when} in {place} for {name}",
        lang,
        guests=guests,
        when=when,
        place=place,
        name=slots.get("name") or "",
    )
    if isinstance(quote, dict) and quote.get("total") is not None:
        currency = str(quote.get("currency") or "USD")
        text += ", " + gettext(
            "estimated {total} (deposit {deposit})",
            lang,
            total=money(float(quote["total"]), currency),
            deposit=money(float(quote["deposit"]), currency),
        )
    return text


def confirm_booking(lang: str, summary: str, channel: str) -> str:
    if channel != "web":
        return gettext(
            "Here's your request: {summary}. Reply YES to confirm; nothing is booked until you do.",
            lang,
            summary=summary,
        )
    return gettext(
        "Here's your request: {summary}. Press Confirm to send the request; nothing is "
        "booked until you do.",
        lang,
        summary=summary,
    )


def confirm_change(lang: str, summary: str, channel: str) -> str:
    if channel != "web":
        return gettext(
            "{summary}. Reply YES to confirm; nothing changes until you do.", lang, summary=summary
        )
    return gettext("{summary}. Press Confirm; nothing changes until you do.", lang, summary=summary)


def could_not_prepare(lang: str, why: str) -> str:
    return gettext("I couldn't prepare the booking: {why}", lang, why=translate(why, lang))


def could_not(lang: str, why: str | None) -> str:
    return translate(why, lang) if why else gettext("I couldn't do that.", lang)


def verified(lang: str, bookings: str) -> str:
    return gettext("Thanks, you're verified.", lang) + " " + bookings


def ask_reference(lang: str) -> str:
    return gettext(
        "Sure. What's your booking reference number (it looks like BK-2026-000123)?", lang
    )


def ask_new_date(lang: str) -> str:
    return gettext("To which date (and time) should I move it?", lang)


def ask_new_contact(lang: str) -> str:
    return gettext("What should your new phone number or email be?", lang)


def ask_change(lang: str) -> str:
    return gettext(
        "What would you like to change: the date, the number of guests, or cancel?", lang
    )


def which_booking(lang: str, bookings: str) -> str:
    return bookings + " " + gettext("Which booking do you mean?", lang)


def bookings_text(lang: str, listed: ToolOutcome) -> str:
    if listed.outcome != "ok":
        return translate(listed.message, lang)
    found = listed.result.get("bookings") or []
    if not found:
        return gettext("I don't see any upcoming bookings for you.", lang)
    return gettext(
        "Your bookings: {bookings}",
        lang,
        bookings="; ".join(
            gettext(
                "{reference} on {date} for {guests} guests ({status}, balance {balance})",
                lang,
                reference=b["reference_number"],
                date=gettext("{date} at {time}", lang, date=b["event_date"], time=b["event_time"])
                if b.get("event_time")
                else b["event_date"],
                guests=b["guest_count"],
                status=b["status"],
                balance=money(b["balance_due"], b["currency"]),
            )
            for b in found
        ),
    )


def confirmed(lang: str, tool: str, result: dict[str, Any]) -> str:
    """What the customer reads once a drafted action ran."""
    if tool == "create_booking":
        return gettext(
            "Your booking request {reference} is in ({status}): {total} in total. Pay the "
            "{deposit} deposit here to hold the date: {link}",
            lang,
            reference=result["reference_number"],
            status=result["status"],
            total=f"{result['currency']} {result['total_amount']:.2f}",
            deposit=f"{result['currency']} {result['deposit_amount']:.2f}",
            link=result["deposit_link"],
        )
    if tool == "send_deposit_link":
        return gettext(
            "Here's the link to pay the deposit of {reference}: {link}",
            lang,
            reference=result["reference_number"],
            link=result["deposit_link"],
        )
    if "reference_number" in result:
        return gettext(
            "Done: {reference} is {status} on {date} for {guests} guests.",
            lang,
            reference=result["reference_number"],
            status=result["status"],
            date=result["event_date"],
            guests=result["guest_count"],
        )
    return gettext("Done.", lang)


def handoff_action(lang: str) -> dict[str, Any]:
    """The visible "talk to a person" choice offered with every answer."""
    return {**HANDOFF_ACTION, "label": gettext("Talk to a person", lang)}


def confirm_action(lang: str, outcome: ToolOutcome) -> dict[str, Any]:
    return {
        "type": "confirm",
        "label": gettext("Confirm", lang),
        "action": "confirm",
        "tool": outcome.tool,
        "confirmation_token": outcome.confirmation_token,
    }


def collect_actions(lang: str) -> list[dict[str, Any]]:
    return [
        {"type": "collect_date", "label": gettext("Select Date", lang), "action": "open_calendar"},
        {"type": "view_menu", "label": gettext("View Menu", lang), "action": "navigate:/menu"},
    ]


def start_actions(lang: str) -> list[dict[str, Any]]:
    return [
        {
            "type": "check_availability",
            "label": gettext("Check a date", lang),
            "action": "open_calendar",
        },
        {"type": "view_menu", "label": gettext("View Menu", lang), "action": "navigate:/menu"},
    ]
