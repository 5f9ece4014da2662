"""The language of a request and the translation of what maitred says to people.

A request's language comes from `Accept-Language` (q-values honoured, negotiated by Babel
against the languages maitred has catalogs for), else from the organization's locale (set by
whoever resolves the organization, through `use_fallback`), else English. Every response says
which in `Content-Language`.

Messages are written in English in the code and translated where they leave maitred (the
error envelope, a customer's message), from gettext catalogs: `maitred/locale/<lang>/
LC_MESSAGES/maitred.po`, read directly with Babel, so there is no compile step. A message made
with an f-string has a catalog entry with positional placeholders (`Use one of: {0}`): the
English text is matched against it and the values carried into the translation, so the raise
sites keep writing plain English. Machine-readable codes are never translated.
"""

from __future__ import annotations

import functools
import re
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po
from pydantic import BeforeValidator, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT = "en"
# Languages maitred speaks: English is the source, each other one has a catalog.
LANGUAGES = ("en", "es")
CATALOGS = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "maitred"
_PLACEHOLDER = re.compile(r"\{(\d+)\}")


@functools.lru_cache(maxsize=512)
def supported(tag: str | None) -> str | None:
    """The language of `tag` maitred speaks (`es-MX` → `es`), or None."""
    if not tag:
        return None
    normalized = tag.strip().replace("-", "_")
    try:
        language = Locale.parse(normalized).language
    except (ValueError, UnknownLocaleError):
        return None
    # `und` (undetermined) parses as English by likely subtags: only a tag naming it counts.
    named = normalized.split("_")[0].lower() == language
    return language if named and language in LANGUAGES else None


def _ranked(header: str) -> list[str]:
    """The tags of an Accept-Language header, best first (RFC 9110: q from 0 to 1, default 1;
    q=0 means "not this"; equal weights keep their order)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


@functools.lru_cache(maxsize=512)  # a handful of distinct headers make nearly all requests
def negotiate(header: str | None) -> str | None:
    """The language maitred speaks that the client prefers most, or None when it accepts none."""
    if not header:
        return None
    found = Locale.negotiate(_ranked(header[:500]), list(LANGUAGES), sep="-")
    return found.language if found is not None else None


@dataclass
class RequestLanguage:
    """Shared by the middleware and whatever resolves the organization during the request."""

    negotiated: str | None = None
    fallback: str | None = None

    @property
    def language(self) -> str:
        return self.negotiated or self.fallback or DEFAULT


_request_language: ContextVar[RequestLanguage | None] = ContextVar(
    "maitred_request_language", default=None
)


def current_language() -> str:
    """The language of the request being served (English outside a request)."""
    holder = _request_language.get()
    return holder.language if holder is not None else DEFAULT


def use_fallback(locale: str | None) -> None:
    """The organization's locale, used when Accept-Language names nothing maitred speaks."""
    holder = _request_language.get()
    if holder is not None and (language := supported(locale)) is not None:
        holder.fallback = language


def preferred(*candidates: str | None) -> str:
    """The first of `candidates` maitred speaks (a customer's, then the organization's), else
    English."""
    for candidate in candidates:
        if (language := supported(candidate)) is not None:
            return language
    return DEFAULT


def _language_tag(value: object) -> object:
    if isinstance(value, str):
        found = supported(value)
        if found is None:
            raise ValueError(f"Use one of: {', '.join(LANGUAGES)}")
        return found
    return value


# A person's preferred language in a request body: `es`, `es-MX` (stored as `es`), `en`.
Language = Annotated[
    str,
    BeforeValidator(_language_tag),
    Field(
        min_length=2,
        max_length=35,
        examples=["es"],
        description="The language messages to this person are written in: en or es "
        "(a regional tag such as es-MX is stored as its language)",
    ),
]


@dataclass(frozen=True)
class Catalog:
    exact: dict[str, str]
    patterns: list[tuple[re.Pattern[str], str]]


def _pattern(msgid: str) -> re.Pattern[str]:
    pieces = _PLACEHOLDER.split(msgid)
    regex = "".join(
        f"(?P<p{piece}>.*?)" if odd else re.escape(piece)
        for odd, piece in ((i % 2 == 1, p) for i, p in enumerate(pieces))
    )
    return re.compile(regex, re.DOTALL)


@functools.cache
def catalog(language: str) -> Catalog:
    """The language's catalog, read once per process; English has none (it is the source)."""
    path = CATALOGS / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT or not path.exists():
        return Catalog({}, [])
    with path.open("rb") as handle:
        messages = read_po(handle, locale=language, domain=DOMAIN)
    exact: dict[str, str] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    for message in messages:
        if not message.id or not message.string or message.fuzzy:
            continue
        msgid, msgstr = str(message.id), str(message.string)
        if _PLACEHOLDER.search(msgid) and re.search(r"[A-Za-z]", _PLACEHOLDER.sub("", msgid)):
            patterns.append((_pattern(msgid), msgstr))
        else:
            exact[msgid] = msgstr
    # The longest literal text first: "Use one of: {0}" before "{0} is invalid".
    patterns.sort(key=lambda item: -len(_PLACEHOLDER.sub("", item[0].pattern)))
    return Catalog(exact, patterns)


def translate(text: str, language: str | None = None, *, depth: int = 0) -> str:
    """`text` in `language` (default: the request's); unchanged when the catalog lacks it.
    The values a pattern carries over are translated too when they are messages themselves
    (`Invalid phone number format (too short: …)`)."""
    language = language or current_language()
    if language == DEFAULT or not text:
        return text
    found = catalog(language)
    if (exact := found.exact.get(text)) is not None:
        return exact
    for pattern, translation in found.patterns:
        if (match := pattern.fullmatch(text)) is not None:
            values = {
                int(name[1:]): translate(value, language, depth=depth + 1) if depth < 3 else value
                for name, value in match.groupdict().items()
            }
            return _filled(translation, values)
    return text


def _filled(translation: str, values: dict[int, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(int(m[1]), m[0]), translation)


def gettext(message: str, language: str | None = None, /, **values: Any) -> str:
    """A message written for translation: `gettext("Your code is {code}", code=code)`."""
    language = language or current_language()
    translated = catalog(language).exact.get(message, message) if language != DEFAULT else message
    return translated.format(**values) if values else translated


def translate_details(details: Any, language: str | None = None) -> Any:
    """Every human message in an error's `details`; keys (field names) and non-text values stay."""
    if isinstance(details, str):
        return translate(details, language)
    if isinstance(details, dict):
        return {key: translate_details(value, language) for key, value in details.items()}
    if isinstance(details, list):
        return [translate_details(value, language) for value in details]
    return details


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class LanguageMiddleware:
    """Negotiates the request's language and answers it in `Content-Language` (with `Vary`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        holder = RequestLanguage(negotiated=negotiate(_header(scope, b"accept-language")))
        token = _request_language.set(holder)

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", ()),
                    (b"content-language", holder.language.encode()),
                    (b"vary", b"Accept-Language"),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_language)
        finally:
            _request_language.reset(token)
