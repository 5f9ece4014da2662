"""Jinja2 for the pages: autoescaped, one environment per package of templates."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from maitred.dashboard import csrf, navigation

STATIC = "/static"
HTMX = f"{STATIC}/vendor/htmx-2.0.11.min.js"


_FILTERED_KEPT = 8192


def _remembered(filter_: Callable[..., str]) -> Callable[..., str]:
    """`filter_` answering from memory for values seen before: a page formats the same dates,
    times, statuses and amounts over and over (a week's chips, a table's columns). Keyed by
    type too (`True == 1`), and only for hashable values."""
    seen: dict[tuple[Any, ...], str] = {}

    @functools.wraps(filter_)
    def filtered(value: Any, *rest: Any) -> str:
        key = (type(value), value, *rest)
        try:
            return seen[key]
        except KeyError:
            pass
        except TypeError:  # unhashable
            return filter_(value, *rest)
        if len(seen) >= _FILTERED_KEPT:
            seen.clear()
        answer = seen[key] = filter_(value, *rest)
        return answer

    return filtered


@_remembered
def money(value: Any, currency: str = "USD") -> str:
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    symbol = {"USD": "$", "CAD": "$", "AUD": "$", "EUR": "€", "GBP": "£"}.get(currency)
    return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {currency}"


@_remembered
def day(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%a %d %b %Y")
    return "" if value is None else str(value)


@_remembered
def hm(value: Any) -> str:
    """A time as `18:00`, from a `time` or an ISO string."""
    if value is None:
        return ""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)[:5]


@_remembered
def hm_of_datetime(value: Any) -> str:
    """The local time of an ISO datetime or a datetime, as `18:00`."""
    if isinstance(value, datetime):
        return value.strftime("%H:%M")
    text = "" if value is None else str(value)
    return text[11:16] if len(text) >= 16 else ""


@_remembered
def label(value: Any) -> str:
    """`no_show` -> `No show`."""
    text = "" if value is None else str(value)
    return text.replace("_", " ").capitalize()


def environment(directory: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(directory), str(Path(__file__).parent / "templates")]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        # The templates ship with the package: compiled once, never stat()ed again per render.
        auto_reload=False,
    )
    env.filters.update(money=money, day=day, label=label, hm=hm, hm_of_datetime=hm_of_datetime)
    env.globals.update(STATIC=STATIC, HTMX=HTMX)
    return env


class Pages:
    """Renders the templates of one package, with what every page needs (the form token, the
    signed-in user, whether this is an htmx swap)."""

    def __init__(self, directory: Path) -> None:
        self.env = environment(directory)

    def render(
        self,
        request: Request,
        name: str,
        context: dict[str, Any] | None = None,
        *,
        status_code: int = 200,
    ) -> HTMLResponse:
        auth = getattr(request.state, "auth", None)
        values = {
            "request": request,
            "csrf_token": csrf.token_for(request),
            "auth": auth,
            "nav": navigation.menu(auth),
            "current": request.url.path,
            "htmx": request.headers.get("hx-request") == "true",
            **(context or {}),
        }
        html = self.env.get_template(name).render(values)
        response = HTMLResponse(html, status_code=status_code)
        csrf.set_cookie_if_new(request, response)
        return response


dashboard_pages = Pages(Path(__file__).parent / "templates")
