"""/auth: multi-factor authentication (TOTP, backup codes) and Google sign-in.

MFA belongs to a user, not to an organization: any signed-in user may manage their own (a role
that an organization requires to have MFA must be able to turn it on), API keys may not.
"""

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request

from maitred.identity import google, mfa
from maitred.identity import service as identity_service
from maitred.identity.deps import AuthContext, Caller, authenticate
from maitred.identity.models import User
from maitred.identity.router import AUTH_ERRORS, Config, TenantHeader, signed_in
from maitred.identity.schemas import (
    GoogleLoginRequest,
    LoginResponse,
    MfaDisableRequest,
    MfaSetupResponse,
    MfaStatus,
    MfaVerifyRequest,
)
from maitred.kit.deps import DbSession, client_ip, user_agent
from maitred.kit.errors import ErrorBody, Forbidden

router = APIRouter(prefix="/auth", tags=["auth"])

STATE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in, or a wrong password or code"},
    403: {"model": ErrorBody, "description": "API keys have no MFA"},
    409: {"model": ErrorBody, "description": "MFA is not in a state that allows this"},
}


async def _own_user(db: DbSession, caller: AuthContext) -> User:
    if caller.user_id is None:
        raise Forbidden("MFA belongs to users; API keys cannot manage it")
    user = await identity_service.get_user(db, caller.user_id)
    assert user is not None  # authentication just found it
    return user


@router.post("/mfa/setup", response_model=MfaSetupResponse, responses=STATE_ERRORS)
async def setup_mfa(caller: Caller, db: DbSession) -> Any:
    """A new authenticator secret (also as a QR code) and 10 backup codes, shown once. MFA is
    on only after `POST /auth/mfa/verify` with a code from the app."""
    user = await _own_user(db, caller)
    return asdict(await mfa.setup(db, user))


@router.post("/mfa/verify", response_model=LoginResponse | MfaStatus, responses=STATE_ERRORS)
async def verify_mfa(
    body: MfaVerifyRequest, request: Request, db: DbSession, config: Config
) -> Any:
    """With `mfa_token` (from the `mfa_required` answer of a sign-in) and a TOTP or backup
    code: completes the sign-in. Signed in, with a TOTP code: turns MFA on."""
    if body.mfa_token:
        result = await mfa.complete_sign_in(
            db,
            config,
            mfa_token=body.mfa_token,
            code=body.given_code,
            ip=client_ip(request),
            user_agent=user_agent(request),
            limiter=getattr(request.app.state, "rate_limiter", None),
        )
        return signed_in(result)
    user = await _own_user(db, await authenticate(request))
    remaining = await mfa.enable(db, user, code=body.given_code)
    return {"mfa_enabled": True, "backup_codes_remaining": remaining}


@router.post(
    "/mfa/disable",
    response_model=MfaStatus,
    response_model_exclude_none=True,
    responses=STATE_ERRORS,
)
async def disable_mfa(body: MfaDisableRequest, caller: Caller, db: DbSession) -> Any:
    """Needs the password and a TOTP or backup code; deletes the secret and backup codes."""
    user = await _own_user(db, caller)
    await mfa.disable(db, user, password=body.password, code=body.code)
    return {"mfa_enabled": False}


@router.get("/mfa/status", response_model=MfaStatus, responses=STATE_ERRORS)
async def mfa_status(caller: Caller, db: DbSession) -> Any:
    user = await _own_user(db, caller)
    remaining = await mfa.backup_codes_remaining(db, user.id) if user.mfa_enabled else 0
    return {"mfa_enabled": user.mfa_enabled, "backup_codes_remaining": remaining}


@router.post("/google-login", response_model=LoginResponse, responses=AUTH_ERRORS)
async def google_login(
    body: GoogleLoginRequest,
    request: Request,
    db: DbSession,
    config: Config,
    tenant: TenantHeader = None,
) -> Any:
    """A Google ID token instead of a password. Links the account with the same verified email,
    or creates a customer of the organization in `X-Tenant-ID` where it allows sign-up. With MFA
    on, answers 401 `mfa_required` like `POST /auth/login`."""
    result = await google.sign_in(
        db,
        config,
        token=body.token,
        tenant=tenant,
        ip=client_ip(request),
        user_agent=user_agent(request),
    )
    return signed_in(result)
