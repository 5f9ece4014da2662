"""What every settings section shares: who may open it, its tabs, and one way to render a
section with the API's messages and a notice of what was just done.

Settings are for admins (managers may look): staff have no `settings:read`. A section also
needs the permission its own API asks for (`users:read` for the team, …), and its forms are
only offered to whoever holds the matching write permission; the services judge either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from maitred.dashboard import csrf
from maitred.dashboard.access import page_user
from maitred.dashboard.forms import Problems
from maitred.dashboard.templating import dashboard_pages
from maitred.identity.deps import AuthContext

Form = Annotated[FormData, Depends(csrf.checked_form)]
BASE = "/app/settings"


@dataclass(frozen=True)
class Tab:
    path: str
    title: str
    permission: str


TABS = (
    Tab(BASE, "Organization", "settings:read"),
    Tab(f"{BASE}/pricing", "Pricing", "settings:read"),
    Tab(f"{BASE}/availability", "Availability and teams", "settings:read"),
    Tab(f"{BASE}/menu", "Menu", "menu:read"),
    Tab(f"{BASE}/notifications", "Notifications", "notifications:read"),
    Tab(f"{BASE}/channels", "Channels", "messaging:read"),
    Tab(f"{BASE}/payments", "Payments", "payments:read"),
    Tab(f"{BASE}/users", "Users and roles", "users:read"),
    Tab(f"{BASE}/api-keys", "API keys", "api_keys:read"),
    Tab(f"{BASE}/webhooks", "Webhooks", "webhooks:read"),
)


def section_user(*permissions: str) -> Any:
    """A page dependency: settings readers holding the section's own `permissions` too."""
    return page_user("settings:read", *permissions)


Readers = Annotated[AuthContext, section_user()]


def render(
    request: Request,
    auth: AuthContext,
    template: str,
    context: Mapping[str, Any],
    *,
    problems: Problems | None = None,
    done: Mapping[str, str] | None = None,
    status_code: int | None = None,
) -> Response:
    """A section page: its tabs, the message of a refused form (its status too), and the
    notice of what the last form did (`?done=`)."""
    notice = (done or {}).get(request.query_params.get("done", ""), "")
    return dashboard_pages.render(
        request,
        template,
        {
            "tabs": [tab for tab in TABS if auth.can(tab.permission)],
            "problems": problems,
            "notice": notice,
            **context,
        },
        status_code=status_code or (problems.status_code if problems else 200),
    )


def done(path: str, what: str) -> Response:
    """After a form: back to the section (a reload does not post again), saying what was done."""
    return RedirectResponse(f"{path}?done={what}", status_code=303)


def checked(form: FormData, name: str) -> bool:
    return form.get(name) in ("on", "true", "1")


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def lines(form: FormData, name: str) -> list[str]:
    """A textarea of one value a line (or separated by commas), empty ones left out."""
    return [
        part.strip() for part in text(form, name).replace(",", "\n").splitlines() if part.strip()
    ]
