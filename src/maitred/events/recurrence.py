"""Recurrence rules (RFC 5545) read and expanded by python-dateutil's `rrule`, as local times.

Every date and time here is a naive wall-clock time in the event's zone: the rule repeats the
first occurrence's local time, and the caller converts each occurrence to UTC on its own, so
a 07:00 class stays at 07:00 across daylight saving changes. What is ours is only what RFC
5545 leaves to the application:

- the rule's text holds RRULE (or a bare `FREQ=...` rule), RDATE, EXDATE and EXRULE lines;
  DTSTART comes from the event's `start_datetime`;
- values without `Z` or `TZID` are local times in the event's zone; a date alone in UNTIL is
  the last local day (inclusive), in EXDATE a whole local day left out, in RDATE the first
  occurrence's time on that day;
- a series repeats at most daily (FREQ DAILY, WEEKLY, MONTHLY or YEARLY, no BYHOUR, BYMINUTE
  or BYSECOND: the time of day is the first occurrence's), must end (COUNT or UNTIL), and
  ends within `HORIZON_YEARS` of its first occurrence with at most `MAX_OCCURRENCES`. The
  horizon also bounds the search of a rule that matches nothing (BYMONTHDAY=30;BYMONTH=2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import MAXYEAR, UTC, date, datetime, time
from itertools import islice
from math import gcd
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, MO, MONTHLY, WEEKLY, YEARLY, rrule, rruleset, rrulestr

from maitred.events.schemas import MAX_OCCURRENCES
from maitred.events.times import zone_named
from maitred.kit.errors import ValidationFailed

HORIZON_YEARS = 20
_FREQUENCIES = {"DAILY": DAILY, "WEEKLY": WEEKLY, "MONTHLY": MONTHLY, "YEARLY": YEARLY}
_UNITS_PER_400_YEARS = {DAILY: 146_097, WEEKLY: 20_871, MONTHLY: 4_800, YEARLY: 400}
_TIME_OF_DAY = "the time of day is start_datetime's"
# BYEASTER is dateutil's own, not RFC 5545 (and Easter does not repeat every 400 years).
_REFUSED_PARTS = {
    "BYHOUR": _TIME_OF_DAY,
    "BYMINUTE": _TIME_OF_DAY,
    "BYSECOND": _TIME_OF_DAY,
    "BYEASTER": "it is not part of RFC 5545",
}
_LOCAL = "%Y%m%dT%H%M%S"


def _invalid(message: str, name: str = "rrule") -> ValidationFailed:
    return ValidationFailed(details={name: message})


def _too_many() -> ValidationFailed:
    return _invalid(f"A series has at most {MAX_OCCURRENCES} occurrences", "series")


@dataclass
class _Pieces:
    """The rule's lines, expanded: what is added, what is left out, and days left out."""

    added: list[datetime] = field(default_factory=list)
    left_out: list[datetime] = field(default_factory=list)
    days_left_out: set[date] = field(default_factory=set)
    has_rule: bool = False


def _value(text: str, zone: ZoneInfo, source: ZoneInfo) -> date | datetime:
    """A DATE or DATE-TIME value: a date, or a local time in `zone` (from UTC with `Z`, or
    from the TZID zone `source`)."""
    for form in (_LOCAL + "Z", _LOCAL, "%Y%m%d"):
        try:
            parsed = datetime.strptime(text, form)  # noqa: DTZ007 - the zone is applied below
        except ValueError:
            continue
        if form == "%Y%m%d":
            return parsed.date()
        given_in = UTC if form.endswith("Z") else source
        try:
            return parsed.replace(tzinfo=given_in, fold=0).astimezone(zone).replace(tzinfo=None)
        except OverflowError:
            raise _invalid(f"{text!r} is out of range") from None
    raise _invalid(f"{text!r} is not a date (20310331) or a time (20310331T070000, or Z for UTC)")


def _rule_parts(value: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for piece in filter(None, value.split(";")):
        name, sep, part = piece.partition("=")
        name = name.strip().upper()
        if not sep or not part.strip():
            raise _invalid(f"{piece!r} is not NAME=VALUE")
        if name in parts:
            raise _invalid(f"{name} is given twice")
        parts[name] = part.strip().upper()
    if parts.get("FREQ") not in _FREQUENCIES:
        raise _invalid("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY: a series repeats a day")
    for name, reason in _REFUSED_PARTS.items():
        if name in parts:
            raise _invalid(f"{name} is not supported: {reason}")
    if "COUNT" in parts and "UNTIL" in parts:
        raise _invalid("Give COUNT or UNTIL, not both")
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise _invalid("Give COUNT or UNTIL: a series must end")
    if "INTERVAL" in parts:
        _positive("INTERVAL", parts["INTERVAL"])
    return parts


def _positive(name: str, text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise _invalid(f"{name} must be a positive whole number")
    return int(text)


def _until(text: str, zone: ZoneInfo) -> datetime:
    value = _value(text, zone, zone)
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(23, 59, 59))


def _horizon(first: datetime) -> datetime:
    if first.year + HORIZON_YEARS >= MAXYEAR:
        return datetime.combine(date(MAXYEAR, 12, 31), time(23, 59, 59))
    return first + relativedelta(years=HORIZON_YEARS)


def _years_to_move(freq: int, interval: int, first: datetime) -> int:
    """How far to move the search so that it ends near year 9999 (see `expanded`): whole
    400-year calendar cycles that are also whole multiples of the rule's interval."""
    cycle = 400 * interval // gcd(interval, _UNITS_PER_400_YEARS[freq])
    room = MAXYEAR - 1 - HORIZON_YEARS - first.year
    return max(0, room // cycle) * cycle


def _moved(moment: datetime, years: int) -> datetime:
    return moment.replace(year=moment.year + years)


def expanded(
    make: Callable[[datetime, datetime], rrule],
    *,
    freq: int,
    interval: int,
    first: datetime,
    count: int | None,
    until: datetime | None,
) -> list[datetime]:
    """The first `count` (or all up to `until`) local times of the rule `make(dtstart, until)`
    gives; 422 past the cap or the horizon.

    dateutil checks UNTIL only when a time matches, so a rule matching nothing searches on to
    year 9999 (seconds of CPU for a daily rule). Dates repeat every 400 years, weekdays
    included, so the search runs that many whole cycles later, where year 9999 is at most one
    cycle past the horizon, and its times are moved back."""
    horizon = _horizon(first)
    stop = horizon if until is None else min(until, horizon)
    years = _years_to_move(freq, interval, first)
    wanted = MAX_OCCURRENCES + 1 if count is None else min(count, MAX_OCCURRENCES + 1)
    rule = make(_moved(first, years), _moved(stop, years))
    found = [_moved(moment, -years) for moment in islice(rule, wanted)]
    if len(found) > MAX_OCCURRENCES:
        raise _too_many()
    if (until is None or until > horizon) and (count is None or len(found) < count):
        raise _invalid(
            f"A series ends within {HORIZON_YEARS} years of its first occurrence", "series"
        )
    return found


def _expand(value: str, first: datetime, zone: ZoneInfo) -> list[datetime]:
    """One RRULE or EXRULE value's local times, by dateutil, bounded (see the module)."""
    parts = _rule_parts(value)
    count = _positive("COUNT", parts.pop("COUNT")) if "COUNT" in parts else None
    until = _until(parts.pop("UNTIL"), zone) if "UNTIL" in parts else None
    rest = ";".join(f"{name}={part}" for name, part in parts.items())

    def make(dtstart: datetime, stop: datetime) -> rrule:
        made = rrulestr(f"{rest};UNTIL={stop:{_LOCAL}}", dtstart=dtstart)
        assert isinstance(made, rrule)  # one rule line without a property name is one rrule
        return made

    try:
        return expanded(
            make,
            freq=_FREQUENCIES[parts["FREQ"]],
            interval=int(parts.get("INTERVAL", "1")),
            first=first,
            count=count,
            until=until,
        )
    except ValueError as error:
        raise _invalid(f"Not a valid RFC 5545 rule: {error}") from None
    except (OverflowError, IndexError):
        raise _invalid("Not a valid RFC 5545 rule: a value is out of range") from None


def _unfolded(text: str) -> list[str]:
    """RFC 5545 content lines: a line starting with a space or tab continues the one before."""
    lines: list[str] = []
    for raw in text.splitlines():
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw.strip():
            lines.append(raw.strip())
    return lines


def _property(line: str) -> tuple[str, dict[str, str], str]:
    head, sep, value = line.partition(":")
    if not sep:
        return "RRULE", {}, line
    name, *params = head.split(";")
    parameters = {}
    for param in params:
        key, _, param_value = param.partition("=")
        parameters[key.strip().upper()] = param_value.strip()
    return name.strip().upper(), parameters, value.strip()


def _dates(
    value: str, parameters: dict[str, str], zone: ZoneInfo, name: str
) -> list[date | datetime]:
    unknown = set(parameters) - {"VALUE", "TZID"}
    if unknown or parameters.get("VALUE", "DATE").upper() not in ("DATE", "DATE-TIME"):
        raise _invalid(f"{name} takes only VALUE=DATE, VALUE=DATE-TIME and TZID")
    source = zone_named(parameters["TZID"], field="rrule") if "TZID" in parameters else zone
    return [_value(text.strip().upper(), zone, source) for text in value.split(",")]


def _read(text: str, first: datetime, zone: ZoneInfo) -> _Pieces:
    pieces = _Pieces()
    for line in _unfolded(text):
        name, parameters, value = _property(line)
        if name in ("RRULE", "EXRULE"):
            if parameters:
                raise _invalid(f"{name} takes no parameters")
            times = _expand(value, first, zone)
            (pieces.added if name == "RRULE" else pieces.left_out).extend(times)
            pieces.has_rule = pieces.has_rule or name == "RRULE"
        elif name in ("RDATE", "EXDATE"):
            for moment in _dates(value, parameters, zone, name):
                if isinstance(moment, datetime):
                    (pieces.added if name == "RDATE" else pieces.left_out).append(moment)
                elif name == "RDATE":
                    pieces.added.append(datetime.combine(moment, first.time()))
                else:
                    pieces.days_left_out.add(moment)
        elif name == "DTSTART":
            raise _invalid("Leave DTSTART out: start_datetime is the first occurrence")
        else:
            raise _invalid(f"{name} is not supported; use RRULE, RDATE, EXDATE or EXRULE")
    if not pieces.has_rule:
        raise _invalid("Give an RRULE")
    return pieces


def _combined(added: Iterable[datetime], left_out: Iterable[datetime]) -> list[datetime]:
    """RRULE and RDATE times less EXRULE and EXDATE ones, in order, by dateutil's rruleset."""
    times = rruleset()
    for moment in added:
        times.rdate(moment)
    for moment in left_out:
        times.exdate(moment)
    return list(times)


def local_times(text: str, first: datetime, zone: ZoneInfo) -> list[datetime]:
    """The local start times the rule `text` gives from the local `first` on, in order."""
    pieces = _read(text, first, zone)
    found = [
        moment
        for moment in _combined(pieces.added, pieces.left_out)
        if moment.date() not in pieces.days_left_out
    ]
    if len(found) > MAX_OCCURRENCES:
        raise _too_many()
    return found


def weekly_local_times(
    weekdays: list[int], first: datetime, until: date | None, count: int | None
) -> list[datetime]:
    """Every week on ISO `weekdays` (Monday = 1) from `first` on, until a local day and/or for
    `count` occurrences."""
    if until is None and count is None:
        raise _invalid("Give until and/or count: a series must end", "until")
    last = None if until is None else datetime.combine(until, time(23, 59, 59))
    days = sorted({weekday - 1 for weekday in weekdays})

    def make(dtstart: datetime, stop: datetime) -> rrule:
        return rrule(WEEKLY, dtstart=dtstart, byweekday=days, wkst=MO, until=stop)

    return expanded(make, freq=WEEKLY, interval=1, first=first, count=count, until=last)
