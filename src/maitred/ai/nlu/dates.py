"""Dates and times in free text, read by `dateparser` against the organization's clock.

Only the phrases that look like dates are handed to `dateparser` (its own search reads "we"
as Wednesday and "de mi" as a date); each is read with the writer's language, the local
reference instant and a preference for the future, since nobody books the past.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import dateparser

_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thu|fri|"
    "sat|sun|lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo"
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|enero|febrero|marzo|abril|mayo|junio|"
    "julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
)
_NUMBER_WORDS = (
    r"\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|un|una|dos|tres|cuatro|cinco|seis"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_NEXT = r"(?:next|this|coming|this coming|el próximo|el proximo|próximo|proximo|este|el)"
_DATE_PHRASE = re.compile(
    rf"""(?ix)\b(?:
        (?P<weekend>(?:{_NEXT}\s+)?(?:weekend|fin\s+de\s+semana))
      | (?P<month_day>(?:(?:{_WEEKDAYS}),?\s+)?(?:{_MONTHS})\.?\s+{_DAY}(?:,?\s+\d{{4}})?)
      | (?P<day_month>(?:(?:{_WEEKDAYS}),?\s+)?(?:the\s+)?{_DAY}\s+(?:of\s+|
        de\s+)?(?:{_MONTHS})(?:,?\s+(?:de\s+)?\d{{4}})?)
      | (?P<iso>\d{{4}}-\d{{2}}-\d{{2}})
      | (?P<numeric>\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?)
      |
        (?P<weekday>(?:{_NEXT}\s+)?(?:{_WEEKDAYS})\b(?:\s+the\s+{_DAY})?(?:\s+\d{{1,2}}\b(?!\s*(?:pm|
        am|:|guests|people|personas)))?)
      | (?P<ordinal>the\s+\d{{1,2}}(?:st|nd|rd|th))
      | (?P<relative>day\s+after\s+tomorrow|pasado\s+mañana|pasado\s+manana|today|tonight|
        tonite|tomorrow|tmrw|hoy|esta\s+noche|mañana|manana
          |(?:in|en|dentro\s+de)\s+(?:{_NUMBER_WORDS})\s+(?:days?|weeks?|months?|días|dias|semanas?|mes|meses)
          |(?:{_NUMBER_WORDS})\s+weeks?\s+from\s+(?:now|today))
    )""",
)
_TIME_PHRASE = re.compile(
    r"""(?ix)(?<![\d/:-])(?:
        (?P<clock>\d{1,2}:\d{2}\s*(?:a\.?m\.?|p\.?m\.?)?)
      | (?P<meridiem>\d{1,2}\s*(?:a\.?m\.?|p\.?m\.?))(?![a-z])
      | \b(?P<noon>noon|midday|mediodía|mediodia)\b
      | (?:at|@|a\s+las|a\s+la)\s+(?P<bare>\d{1,2})(?![\d/:])(?:\s*(?:o'?clock|
        de\s+la\s+(?P<part>tarde|noche|mañana|manana)))?
    )""",
)
_RANGE_WORDS = re.compile(r"(?i)\b(?:between|from|entre|del|desde)\b")
_FROM_CUES = re.compile(r"(?i)\b(?:from|instead\s+of|del|de|en\s+vez\s+del?|rather\s+than)\s*$")
_TO_CUES = re.compile(r"(?i)\b(?:to|until|till|through|thru|and|al|hasta|y|a|-)\s*$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


@lru_cache(maxsize=4096)
def _day(phrase: str, languages: tuple[str, ...], today: date) -> date | None:
    """The day a date phrase names, read from noon of `today`: only the day is kept, and every
    phrase read here names a day, so the answer depends on the day alone and is kept (the same
    "saturday" or "tomorrow" comes back all day long; dateparser takes ~0.5 ms a phrase)."""
    settings = {
        "RELATIVE_BASE": datetime.combine(today, time(12)),
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    parsed: datetime | None = dateparser.parse(phrase, languages=list(languages), settings=settings)
    return parsed.date() if parsed is not None else None


@lru_cache(maxsize=1024)
def _clock(phrase: str) -> time | None:
    parsed = dateparser.parse(phrase, languages=["en"], settings={"PREFER_DATES_FROM": "future"})
    return parsed.time() if parsed is not None else None


def _clean(phrase: str) -> tuple[str, bool]:
    """The phrase as dateparser reads it, and whether it said "next"."""
    words = phrase.lower().split()
    said_next = (
        bool(words)
        and words[0] in {"next", "próximo", "proximo"}
        or phrase.lower().startswith(("el próximo", "el proximo"))
    )
    while words and words[0] in {"next", "this", "coming", "el", "próximo", "proximo", "este"}:
        words = words[1:]
    text = " ".join(words).replace("tonite", "tonight").replace("tmrw", "tomorrow")
    text = text.replace("manana", "mañana")
    return text, said_next


def _weekend(phrase: str, today: date) -> tuple[date, date]:
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    if today.weekday() == 6:  # on a Sunday, "this weekend" is today
        saturday = today - timedelta(days=1)
    lowered = phrase.lower()
    if lowered.startswith(("next", "el próximo", "el proximo", "próximo", "proximo")):
        saturday += timedelta(days=7)
    return saturday, saturday + timedelta(days=1)


def _day_of_month(day: int, today: date) -> date:
    """ "The 12th": the next 12th from today, this month or a later one (dateparser reads a
    bare "12th" as December)."""
    year, month = today.year, today.month
    for _ in range(3):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return today


# Every date phrase above holds one of these words, a "3/14", a "12th" or a "2026-03-14": a
# message without any (most of them) is not searched with the long pattern at all.
_DATE_WORDS = frozenset(
    f"{_WEEKDAYS}|{_MONTHS}|weekend|semana|semanas|today|tonight|tonite|tomorrow|tmrw|hoy|"
    "noche|mañana|manana|day|days|week|weeks|month|months|días|dias|mes|meses".split("|")
)
_WORD = re.compile(r"[^\W\d_]+")
_DATE_DIGITS = re.compile(r"\d/\d|\d(?:st|nd|rd|th)|\d{4}-\d\d-\d", re.IGNORECASE)


def may_hold_a_date(text: str) -> bool:
    lowered = text.lower()
    return not _DATE_WORDS.isdisjoint(_WORD.findall(lowered)) or bool(_DATE_DIGITS.search(lowered))


def date_spans(text: str) -> list[Span]:
    if not may_hold_a_date(text):
        return []
    return [
        Span(m.start(), m.end(), m.lastgroup or "")
        for m in _DATE_PHRASE.finditer(text)
        if m.group(0).strip()
    ]


def time_spans(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), "time") for m in _TIME_PHRASE.finditer(text)]


def _evening(hour: int, part: str) -> int:
    """A caterer's events are meals: "at 6" and "6:30" are in the evening unless the morning is
    said; 10 and 11 stay as written (brunch)."""
    return hour + 12 if 1 <= hour <= 9 and part not in {"mañana", "manana"} else hour


def read_time(text: str) -> str | None:
    for match in _TIME_PHRASE.finditer(text):
        if match.group("noon"):
            return "12:00"
        if bare := match.group("bare"):
            hour = int(bare)
            if hour > 23:
                continue
            return f"{_evening(hour, (match.group('part') or '').lower()):02d}:00"
        clock = match.group("clock") or ""
        phrase = (clock or match.group("meridiem") or "").replace(".", "")
        value = _clock(phrase)
        if value is not None:
            if clock and not re.search(r"(?i)[ap]\.?m", clock):
                value = value.replace(hour=_evening(value.hour, ""))
            return value.strftime("%H:%M")
    return None


def read_dates(
    text: str,
    *,
    now: datetime,
    language: str,
    intent: str,
    spans: list[Span] | None = None,
) -> dict[str, str]:
    """`date` for one day, `date_from`/`date_to` for a range or a weekend, and, when a booking
    is moved, `from_date` for the day it is moved away from. `spans`: `date_spans(text)`, when
    the caller has them."""
    languages = ("es", "en") if language == "es" else ("en", "es")
    today = now.date()
    days: list[tuple[Span, date]] = []
    weekends: list[tuple[date, date]] = []
    for span in date_spans(text) if spans is None else spans:
        phrase = text[span.start : span.end]
        if span.kind == "weekend":
            weekends.append(_weekend(phrase, today))
            continue
        if span.kind == "ordinal":
            days.append((span, _day_of_month(int(re.sub(r"\D", "", phrase)), today)))
            continue
        if span.kind == "iso":  # as the assistant's own date buttons send it back
            with contextlib.suppress(ValueError):  # a 2026-02-30 is no date
                days.append((span, date.fromisoformat(phrase)))
            continue
        cleaned, said_next = _clean(phrase)
        day = _day(cleaned, languages, today)
        if day is None:
            continue
        if span.kind == "weekday" and said_next and day == today:
            day += timedelta(days=7)
        if all(day != seen for _, seen in days):
            days.append((span, day))
    slots: dict[str, str] = {}
    if weekends and not days:
        slots["date_from"], slots["date_to"] = (d.isoformat() for d in weekends[0])
        return slots
    if intent == "reschedule_booking" and len(days) >= 2:
        (first_span, first), (_, second) = days[0], days[1]
        if _TO_CUES.search(text[: first_span.start]) and not _FROM_CUES.search(
            text[: first_span.start]
        ):
            first, second = second, first
        slots["from_date"], slots["date"] = first.isoformat(), second.isoformat()
        return slots
    if len(days) >= 2:
        (first_span, first), (second_span, second) = days[0], days[1]
        before = text[max(0, first_span.start - 12) : first_span.start]
        between = text[first_span.end : second_span.start]
        if _RANGE_WORDS.search(before) and _TO_CUES.search(between):
            slots["date_from"], slots["date_to"] = first.isoformat(), second.isoformat()
            return slots
    if days:
        slots["date"] = days[0][1].isoformat()
    elif weekends:
        slots["date_from"], slots["date_to"] = (d.isoformat() for d in weekends[0])
    return slots
