"""How the pages answer what is not a page of their own: sign-in redirects, refusals, CSRF."""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.responses import Response

from maitred.dashboard.access import PageRefused, SignInNeeded, sign_in_redirect
from maitred.dashboard.csrf import CsrfRefused
from maitred.dashboard.templating import dashboard_pages


async def _sign_in_needed(request: Request, _exc: Exception) -> Response:
    return sign_in_redirect(request)


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageRefused)
    return dashboard_pages.render(
        request, "refused.html", {"message": exc.message}, status_code=exc.status_code
    )


async def _csrf_refused(request: Request, _exc: Exception) -> Response:
    return dashboard_pages.render(
        request,
        "refused.html",
        {
            "message": "This form has expired or did not come from this site. Reload the page and "
            "try again."
        },
        status_code=403,
    )


def install_refusals(app: FastAPI) -> None:
    app.add_exception_handler(SignInNeeded, _sign_in_needed)
    app.add_exception_handler(PageRefused, _refused)
    app.add_exception_handler(CsrfRefused, _csrf_refused)
