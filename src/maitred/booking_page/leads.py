"""`/book/{organization}/contact`: the lead form (seed 001's quote request) for visitors not
ready to pick a date; the API's lead service stores it, with its consents."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from maitred.booking_page.common import not_found, organization_of, posted_form, problems, render
from maitred.kit import i18n
from maitred.kit.deps import client_ip, database_of, user_agent
from maitred.kit.errors import AppError, NotFound
from maitred.leads import service as leads_service

router = APIRouter()
FIELDS = ("name", "phone", "email", "message")


@router.get("/{slug}/contact")
async def lead_form(request: Request, slug: str) -> Response:
    async with database_of(request).transaction(write=False) as session:
        try:
            organization = await organization_of(session, slug)
        except NotFound:
            return not_found(request)
    return render(
        request,
        "contact.html",
        organization,
        {"title": i18n.gettext("Ask {name}", name=organization.name), "values": {}, "problems": {}},
    )


@router.post("/{slug}/contact")
async def send_lead(request: Request, slug: str) -> Response:
    form = await posted_form(request, slug)
    if form is None:
        return render(
            request,
            "refused.html",
            None,
            {"title": i18n.gettext("This form has expired")},
            status_code=403,
        )
    given = {name: str(form.get(name) or "").strip() for name in FIELDS}
    try:
        async with database_of(request).transaction() as session:
            organization = await organization_of(session, slug)
            await leads_service.submit_public_lead(
                session,
                organization_id=organization.id,
                name=given["name"],
                phone=given["phone"],
                email=given["email"],
                message=given["message"][:1001],
                source="booking_page",
                metadata={},
                honeypot=str(form.get("website") or ""),
                ip=client_ip(request),
                user_agent=user_agent(request),
                preferred_language=i18n.current_language(),
            )
    except NotFound:
        return not_found(request)
    except AppError as exc:
        async with database_of(request).transaction(write=False) as session:
            organization = await organization_of(session, slug)
        said = problems(exc)
        return render(
            request,
            "contact.html",
            organization,
            {
                "title": i18n.gettext("Ask {name}", name=organization.name),
                "values": given,
                "problems": said.fields,
                "message": said.message,
            },
            status_code=said.status_code,
        )
    embedded = "?embed=1" if request.query_params.get("embed") == "1" else ""
    return RedirectResponse(f"/book/{slug}/contact/thanks{embedded}", status_code=303)


@router.get("/{slug}/contact/thanks")
async def thanks(request: Request, slug: str) -> Response:
    async with database_of(request).transaction(write=False) as session:
        try:
            organization = await organization_of(session, slug)
        except NotFound:
            return not_found(request)
    return render(
        request, "contact_thanks.html", organization, {"title": i18n.gettext("Thank you")}
    )
