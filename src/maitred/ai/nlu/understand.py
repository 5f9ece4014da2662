"""One message in, its intent and slots out: pure, synchronous, no database.

Contact details, reference numbers, places, dates and times are read first and blanked out,
so that the numbers in them are never taken for a party's size.
"""

from __future__ import annotations

import gc
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from maitred.ai.nlu import contacts, counts, dates, intents, places, vocabulary
from maitred.ai.nlu.language import detect
from maitred.ai.nlu.types import NluContext, Understanding

_REFERENCES = re.compile(r"(?i)\b(?:BK|ORD)[-\s]?\d{4}[-\s]?\d{3,6}\b")


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for index in range(start, min(end, len(chars))):
            chars[index] = " "
    return "".join(chars)


def _spans_of(text: str, values: list[str]) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for value in values:
        for match in re.finditer(re.escape(value), text, flags=re.IGNORECASE):
            found.append((match.start(), match.end()))
    return found


def warm_up(*, freeze: bool = True) -> None:
    """Loads the classifier, dateparser's language data and the zip code table, so no
    customer's message pays for them (seconds on a first call otherwise). With `freeze`, what
    is loaded by then moves out of the garbage collector's sight (`gc.freeze`): scanning those
    large, never-freed tables made one call in a hundred take tens of milliseconds."""
    context = NluContext(
        timezone="UTC",
        country="US",
        event_types=("birthday",),
        upgrade_keys=("lobster",),
        dietary_tags=("vegan",),
    )
    now = datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))
    for sample in (
        "we're 12 for a birthday next Saturday at 6 pm in Folsom, 916-555-0142",
        "good afternoon, can we do the 12th or dec 19 at 7:30pm for a dozen in Davis 95616?",
        "somos doce para el cumpleaños el próximo sábado a las 6 de la tarde, mañana o el 20 "
        "de diciembre, este fin de semana, en dos semanas",
        "move it from friday to sunday, in 3 days, tomorrow, next weekend, 123 Oak St",
    ):
        understand(sample, now=now, context=context)
    places.city("in Elk Grove", ())
    if freeze:
        gc.collect()
        gc.freeze()


def understand(text: str, *, now: datetime, context: NluContext) -> Understanding:
    """`now` is the instant relative dates are read against, in any zone: it is read in the
    organization's."""
    text = " ".join(text.split())[:2000]
    local_now = now.astimezone(ZoneInfo(context.timezone)) if now.tzinfo else now
    if text:
        guess, said_in = intents.read(text)
        language = detect(text, context.languages, said_in)
    else:
        guess, language = intents.Guess("other", 1.0), context.languages[0]
    slots: dict[str, Any] = {}

    if reference := vocabulary.reference_number(text):
        slots["reference_number"] = reference
    if order := vocabulary.order_number(text):
        slots["order_number"] = order
    if email_addresses := contacts.emails(text):
        slots["email"] = email_addresses[0]
    blanked = _blank(
        text,
        [(m.start(), m.end()) for m in _REFERENCES.finditer(text)]
        + [(m.start(), m.end()) for m in contacts.EMAIL_CANDIDATE.finditer(text)],
    )
    if phone_numbers := contacts.phone_matches(blanked, context.country):
        slots["phone"] = phone_numbers[0][2]
        blanked = _blank(blanked, [(start, end) for start, end, _ in phone_numbers])

    street = places.address(blanked)
    slots.update(street)
    if zips := places.zip_codes(blanked):
        slots["zip_code"] = zips[0]
    if "city" not in slots and (city := places.city(blanked, context.cities)):
        slots["city"] = city
    blanked = _blank(
        blanked,
        _spans_of(blanked, [v for v in (street.get("address"), *zips) if v]),
    )

    said_dates = dates.date_spans(blanked)
    slots.update(
        dates.read_dates(
            blanked, now=local_now, language=language, intent=guess.label, spans=said_dates
        )
    )
    if clock := dates.read_time(blanked):
        slots["time"] = clock
    blanked = _blank(blanked, [(s.start, s.end) for s in said_dates + dates.time_spans(blanked)])
    slots.update(counts.guest_counts(counts.with_digits(blanked, language)))

    if event_type := vocabulary.event_type(text, context.event_types):
        slots["event_type"] = event_type
    if chosen := vocabulary.upgrades(text, context.upgrade_keys):
        slots["upgrades"] = chosen
    if needs := vocabulary.dietary(text, context.dietary_tags):
        slots["dietary"] = needs
    person = contacts.name(text)
    if person is None and {"email", "phone"} & slots.keys():
        person = contacts.name_before_contact(text, as_written=True)  # "Maria Lopez, maria@…"
    if person:
        slots["name"] = person
    if guess.label == "policy_question" and (topic := vocabulary.topic(text)):
        slots["topic"] = topic
    return Understanding(
        intent=guess.label,
        confidence=round(guess.confidence, 4),
        language=language,
        slots=slots,
    )
