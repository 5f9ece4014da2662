"""Signing in and out of the dashboard with the API's users, sessions, MFA and backoff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from maitred.dashboard import csrf
from maitred.dashboard.access import signed_in_user
from maitred.dashboard.templating import dashboard_pages
from maitred.identity import mfa, page_sessions, sessions
from maitred.identity import service as identity_service
from maitred.identity.errors import MfaRequired
from maitred.identity.sessions import AuthConfig, SignedIn
from maitred.kit.deps import client_ip, database_of, user_agent
from maitred.kit.errors import AppError

router = APIRouter(prefix="/app", include_in_schema=False)
Form = Annotated[FormData, Depends(csrf.checked_form)]


def safe_next(target: str | None) -> str:
    """Only a path of this site: never `//elsewhere` or an absolute URL."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/app"
    return target


def _config(request: Request) -> AuthConfig:
    config: AuthConfig = request.app.state.auth_config
    return config


def _signed_in(request: Request, result: SignedIn, target: str) -> Response:
    config = _config(request)
    response = RedirectResponse(safe_next(target), status_code=303)
    response.set_cookie(
        page_sessions.COOKIE,
        page_sessions.issue(config, result),
        max_age=int(config.refresh_lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=csrf.secure(request),
        path="/",
    )
    return response


def _form(request: Request, problem: AppError, **context: str) -> Response:
    return dashboard_pages.render(
        request,
        "sign_in/page.html",
        {"error": problem.message, **context},
        status_code=problem.status_code,
    )


@router.get("/sign-in")
async def sign_in_page(request: Request, next: str = "/app") -> Response:
    if await signed_in_user(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return dashboard_pages.render(request, "sign_in/page.html", {"next": safe_next(next)})


@router.post("/sign-in")
async def sign_in(request: Request, form: Form) -> Response:
    email = str(form.get("email") or "").strip()
    password = str(form.get("password") or "")
    target = safe_next(str(form.get("next") or ""))
    config = _config(request)
    try:
        async with database_of(request).transaction() as session:
            result = await sessions.login(
                session,
                config,
                email=email,
                password=password,
                tenant=None,
                ip=client_ip(request),
                user_agent=user_agent(request),
                limiter=getattr(request.app.state, "rate_limiter", None),
            )
    except MfaRequired as challenge:
        return dashboard_pages.render(
            request,
            "sign_in/mfa.html",
            {"mfa_token": challenge.details["mfa_token"], "next": target},
        )
    except AppError as problem:
        return _form(request, problem, email=email, next=target)
    return _signed_in(request, result, target)


@router.post("/sign-in/mfa")
async def sign_in_second_factor(request: Request, form: Form) -> Response:
    token = str(form.get("mfa_token") or "")
    target = safe_next(str(form.get("next") or ""))
    try:
        async with database_of(request).transaction() as session:
            result = await mfa.complete_sign_in(
                session,
                _config(request),
                mfa_token=token,
                code=str(form.get("code") or "").strip(),
                ip=client_ip(request),
                user_agent=user_agent(request),
                limiter=getattr(request.app.state, "rate_limiter", None),
            )
    except AppError as problem:
        if problem.code == "unauthorized" and "MFA token" in problem.message:
            return _form(request, problem, next=target)
        return dashboard_pages.render(
            request,
            "sign_in/mfa.html",
            {"mfa_token": token, "next": target, "error": problem.message},
            status_code=problem.status_code,
        )
    return _signed_in(request, result, target)


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    auth = await signed_in_user(request)
    if auth is not None:
        await csrf.checked_form(request)
    if auth is not None and auth.user_id is not None:
        async with database_of(request).transaction() as session:
            user = await identity_service.get_user(session, auth.user_id)
            if user is not None:
                await sessions.logout(
                    session, user=user, session_id=auth.session_id, refresh_token=None
                )
    response = RedirectResponse("/app/sign-in", status_code=303)
    response.delete_cookie(page_sessions.COOKIE, path="/")
    return response
