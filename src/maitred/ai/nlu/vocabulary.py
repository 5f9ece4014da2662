"""The organization's words: event types, pricing upgrades, dietary tags, policy topics and our
reference numbers. Each key has the ways customers say it (English, Spanish, short forms);
single words of six letters or more are also matched with one typo ("birthdy", "weding")."""

from __future__ import annotations

import re
from difflib import get_close_matches
from functools import cache, lru_cache

# Ways customers name the usual event types; an organization's own type matches by its key too.
EVENT_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "birthday": ("birthday", "bday", "b-day", "cumpleaños", "cumpleanos", "cumple", "turning"),
    "wedding": ("wedding", "rehearsal dinner", "boda", "bridal", "casamiento", "reception"),
    "corporate": (
        "corporate",
        "company",
        "office",
        "work party",
        "team building",
        "client dinner",
        "empresa",
        "corporativo",
        "corporativa",
        "coworkers",
        "employees",
    ),
    "anniversary": ("anniversary", "aniversario"),
    "graduation": ("graduation", "grad party", "graduación", "graduacion", "graduating"),
    "holiday party": (
        "holiday party",
        "christmas",
        "xmas",
        "new year",
        "thanksgiving",
        "navidad",
        "posada",
        "fin de año",
        "holiday",
    ),
    "baby shower": ("baby shower",),
    "bachelor party": ("bachelor", "bachelorette", "despedida de soltero", "despedida de soltera"),
    "retirement": ("retirement", "jubilación", "jubilacion"),
    "quinceañera": ("quinceañera", "quinceanera", "quince años", "xv años"),
}
UPGRADE_WORDS: dict[str, tuple[str, ...]] = {
    "lobster": ("lobster", "langosta", "lobster tail"),
    "filet": ("filet", "fillet", "filet mignon", "mignon", "tenderloin", "filete"),
    "shrimp": ("shrimp", "camarón", "camaron", "camarones"),
    "scallops": ("scallop", "scallops", "vieiras"),
    "wagyu": ("wagyu",),
}
DIETARY_WORDS: dict[str, tuple[str, ...]] = {
    "vegetarian": (
        "vegetarian",
        "veggie",
        "vegetarians",
        "vegetariano",
        "vegetariana",
        "vegetarianos",
        "no meat",
        "sin carne",
        "meatless",
    ),
    "vegan": ("vegan", "vegans", "vegano", "vegana", "veganos", "plant based", "plant-based"),
    "gluten_free": (
        "gluten free",
        "gluten-free",
        "gluten",
        "celiac",
        "coeliac",
        "sin gluten",
        "celíaco",
        "celiaco",
        "celiaca",
    ),
    "dairy_free": (
        "dairy free",
        "dairy-free",
        "lactose",
        "no dairy",
        "sin lácteos",
        "sin lacteos",
        "lactosa",
    ),
    "nut_free": (
        "nut allergy",
        "nut-free",
        "nut free",
        "peanut",
        "peanuts",
        "tree nut",
        "nuts",
        "nueces",
        "cacahuate",
        "maní",
    ),
    "shellfish_free": (
        "shellfish allergy",
        "allergic to shellfish",
        "no shellfish",
        "alergia a mariscos",
        "sin mariscos",
    ),
    "halal": ("halal",),
    "kosher": ("kosher",),
    "keto": ("keto", "low carb"),
    "pescatarian": ("pescatarian", "pescetarian"),
}
TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "deposit": (
        "deposit",
        "depósito",
        "deposito",
        "anticipo",
        "down payment",
        "retainer",
        "upfront",
    ),
    "cancellation": (
        "cancellation",
        "cancel policy",
        "cancelation",
        "cancelación",
        "cancelacion",
        "refund",
        "reembolso",
        "if we cancel",
        "if i cancel",
        "cancel later",
        "si cancelo",
        "si cancelamos",
    ),
    "travel_fee": (
        "travel fee",
        "travel fees",
        "for travel",
        "por viaje",
        "cobran por venir",
        "travel charge",
        "travel cost",
        "mileage",
        "per mile",
        "drive fee",
        "cargo por viaje",
        "costo de viaje",
        "charge for travel",
        "charge to travel",
        "charge extra to come",
        "transportation fee",
    ),
    "minimum": (
        "minimum",
        "mínimo",
        "minimo",
        "min order",
        "min spend",
        "smallest party",
        "fewest",
    ),
    "hours": (
        "hours",
        "horario",
        "what time do you open",
        "open on",
        "are you open",
        "closed on",
        "days do you",
        "abren",
        "cierran",
        "what days",
    ),
    "payment": (
        "payment method",
        "payment methods",
        "payment options",
        "métodos de pago",
        "formas de pago",
        "pay with",
        "credit card",
        "venmo",
        "zelle",
        "cash",
        "paypal",
        "forms of payment",
        "tarjeta",
        "efectivo",
        "how do i pay",
        "how can i pay",
        "como pago",
        "cómo pago",
    ),
    "service_area": (
        "service area",
        "do you serve",
        "do you come to",
        "come out to",
        "travel to",
        "how far",
        "which areas",
        "what areas",
        "cover",
        "llegan a",
        "van a",
        "zona",
        "deliver to",
    ),
    "gratuity": ("gratuity", "tip", "tips", "tipping", "tipped", "propina", "propinas"),
}
_REFERENCE = re.compile(r"(?i)\b(BK)[-\s]?(\d{4})[-\s]?(\d{3,6})\b")
_ORDER = re.compile(r"(?i)\b(ORD)[-\s]?(\d{4})[-\s]?(\d{3,6})\b")


def _norm(key: str) -> str:
    return re.sub(r"[\s-]+", "_", key.strip().lower())


@cache
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?i)(?<![\w])(?:{alternatives})(?![\w])")


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-záéíóúñü]+", text.lower())


@cache
def _singles(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w for w in words if " " not in w and len(w) >= 7)


@lru_cache(maxsize=65536)
def _close(token: str, singles: tuple[str, ...]) -> bool:
    return any(abs(len(token) - len(w)) <= 2 for w in singles) and bool(
        get_close_matches(token, singles, n=1, cutoff=0.85)
    )


def _long_tokens(text: str) -> tuple[str, ...]:
    """The words long enough to be read with a typo, cut once per text and vocabulary."""
    return tuple(token for token in _tokens(text) if len(token) >= 5)


def _fuzzy(tokens: tuple[str, ...], words: tuple[str, ...]) -> bool:
    singles = _singles(words)
    return bool(singles) and any(_close(token, singles) for token in tokens)


def _matches(text: str, words: tuple[str, ...], tokens: tuple[str, ...]) -> int | None:
    found = _pattern(words).search(text)
    if found:
        return found.start()
    return len(text) if _fuzzy(tokens, words) else None


def _longest(text: str, words: tuple[str, ...], tokens: tuple[str, ...]) -> int:
    """How long the longest of `words` found is (a typo counts as a one-word match), 0: none."""
    found = [len(m.group(0)) for m in _pattern(words).finditer(text)]
    if found:
        return max(found)
    return 1 if _fuzzy(tokens, words) else 0


def event_type(text: str, keys: tuple[str, ...]) -> str | None:
    """The organization's event type named (its key); the most specific when several match
    ("office holiday party" is a holiday party)."""
    best: tuple[int, str] | None = None
    tokens = _long_tokens(text)
    for key in keys:
        if key.lower() == "other":
            continue
        length = _longest(text, (key, *EVENT_TYPE_WORDS.get(key.lower(), ())), tokens)
        if length and (best is None or length > best[0]):
            best = (length, key)
    return best[1] if best else None


def upgrades(text: str, keys: tuple[str, ...]) -> list[str]:
    """The pricing upgrades asked for, as the policy names them (lower case)."""
    found: list[str] = []
    tokens = _long_tokens(text)
    for key in keys:
        words = {key, *key.split()}
        for base, synonyms in UPGRADE_WORDS.items():
            if base in key.split() or base == key:
                words.update(synonyms)
        if _matches(text, tuple(w for w in words if len(w) >= 4), tokens) is not None:
            found.append(key)
    return found


def dietary(text: str, tags: tuple[str, ...]) -> list[str]:
    """Dietary needs said, as snake_case tags (`gluten_free`), in a fixed order."""
    vocabulary = dict(DIETARY_WORDS)
    for tag in tags:
        key = _norm(tag)
        vocabulary.setdefault(key, (tag, tag.replace("_", " ")))
    found: list[tuple[int, str]] = []
    tokens = _long_tokens(text)
    for key, words in vocabulary.items():
        at = _matches(text, (*words, key.replace("_", " ")), tokens)
        if at is not None:
            found.append((at, key))
    keys = [key for _, key in sorted(found)]
    if (
        "vegan" in keys
        and "vegetarian" in keys
        and not re.search(r"(?i)vegetarian|veggie|vegetarian", text)
    ):
        keys.remove("vegetarian")
    return keys


def topic(text: str) -> str | None:
    best: tuple[int, str] | None = None
    tokens = _long_tokens(text)
    for key, words in TOPIC_WORDS.items():
        at = _matches(text, words, tokens)
        if at is not None and (best is None or at < best[0]):
            best = (at, key)
    return best[1] if best else None


def reference_number(text: str) -> str | None:
    found = _REFERENCE.search(text)
    return f"BK-{found.group(2)}-{found.group(3).zfill(6)}" if found else None


def order_number(text: str) -> str | None:
    found = _ORDER.search(text)
    return f"ORD-{found.group(2)}-{found.group(3).zfill(6)}" if found else None
