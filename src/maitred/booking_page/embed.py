"""Putting the booking page on the business's own site: an iframe, or our small script that
opens the page in an overlay (`/book/embed.js`, served from here, nothing from elsewhere).
Which sites may frame the page is the business's `booking_page.allowed_origins`."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import Response

from maitred.booking_page.common import not_found, organization_of, render
from maitred.kit.deps import database_of
from maitred.kit.errors import NotFound
from maitred.tenancy import service as tenancy_service

router = APIRouter()
SCRIPT = (Path(__file__).parent / "static" / "embed.js").read_bytes()


@router.get("/embed.js")
async def embed_script() -> Response:
    return Response(
        SCRIPT,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*"},
    )


@router.get("/{slug}/embed")
async def embed_snippets(request: Request, slug: str) -> Response:
    """The two snippets to paste into the business's site, and which origins may use them."""
    async with database_of(request).transaction(write=False) as session:
        try:
            organization = await organization_of(session, slug)
        except NotFound:
            return not_found(request)
    base = str(request.app.state.settings.public_url or request.base_url).rstrip("/")
    allowed = tenancy_service.settings_of(organization).booking_page.allowed_origins
    return render(
        request,
        "embed.html",
        organization,
        {
            "title": f"Put {organization.name}'s booking page on your site",
            "base": base,
            "allowed": allowed,
        },
    )
