"""An unknown query parameter is a 422 naming the accepted ones, as an unknown body field is.

A typo (`?sort_bu=name`, `?created_form=...`) must not be silently ignored: the client would
believe it filtered. The check runs once per request as an app-wide dependency and compares
the query's keys with the parameters the matched route declares (its own and its
dependencies'). Provider callbacks, which add whatever query parameters they like, opt out
with `@accepts_any_query`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Depends
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.requests import HTTPConnection

from maitred.kit.errors import ValidationFailed

F = TypeVar("F", bound=Callable[..., Any])
_ACCEPTED = "_maitred_accepted_query"


def accepts_any_query(endpoint: F) -> F:
    """Marks a route whose caller (Stripe, Twilio, a checkout page's return) adds query
    parameters of its own: they are ignored rather than refused."""
    endpoint.accepts_any_query = True  # type: ignore[attr-defined]
    return endpoint


def declared_query_names(dependant: Dependant) -> frozenset[str]:
    """Every query parameter `dependant` and its sub-dependencies read (aliases as sent)."""
    names: set[str] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        names.update(param.alias for param in current.query_params)
        pending.extend(current.dependencies)
    return frozenset(names)


def _accepted(route: APIRoute) -> frozenset[str] | None:
    """The route's names, worked out on its first request and kept on it (None: anything)."""
    found: frozenset[str] | None | bool = route.__dict__.get(_ACCEPTED, False)
    if found is False:
        any_query = getattr(route.endpoint, "accepts_any_query", False)
        found = None if any_query else declared_query_names(route.dependant)
        setattr(route, _ACCEPTED, found)
    return found  # type: ignore[return-value]


# The API's paths. Pages (the dashboard, the booking page) read their forms' and links' own
# parameters and are HTML, not a contract a client is written against.
API_PATHS = ("/api/", "/crm/", "/health")

# Parameters that mail clients, newsletters and ad networks append to any link they pass on
# (a payment or unsubscribe link in a message, a booking link in a campaign). They say where a
# click came from and ask nothing of the route, so no route has to declare them.
TRACKING_PARAMETERS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga"})


def _is_tracking(key: str) -> bool:
    return key.startswith("utm_") or key in TRACKING_PARAMETERS


async def refuse_unknown_query(connection: HTTPConnection) -> None:
    scope = connection.scope
    if scope["type"] != "http" or not scope.get("query_string"):
        return
    if not scope["path"].startswith(API_PATHS):
        return
    route = connection.scope.get("route")
    if not isinstance(route, APIRoute) or (accepted := _accepted(route)) is None:
        return
    unknown = sorted(
        {key for key in connection.query_params if key not in accepted and not _is_tracking(key)}
    )
    if not unknown:
        return
    names = ", ".join(sorted(accepted)) or "none"
    message = f"Unknown query parameter; this route accepts: {names}"
    raise ValidationFailed(
        f"Unknown query parameter: {', '.join(unknown)}", details=dict.fromkeys(unknown, message)
    )


RefuseUnknownQuery = Depends(refuse_unknown_query)
