"""/auth: signing in and out, the caller's own profile and password."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response

from maitred.identity import mfa, profile, sessions
from maitred.identity import service as identity_service
from maitred.identity.deps import Caller, auth_config_of
from maitred.identity.schemas import (
    ApiKeyIdentity,
    ChangePassword,
    LoginRequest,
    LoginResponse,
    LogoutRequest,
    Message,
    PasswordResetConfirm,
    PasswordResetRequest,
    ProfileUpdate,
    RefreshRequest,
    RegisterRequest,
    RegisterResponse,
    UserRead,
)
from maitred.identity.sessions import AuthConfig, SignedIn
from maitred.kit.deps import DbSession, Reads, client_ip, user_agent
from maitred.kit.errors import ErrorBody, Forbidden
from maitred.kit.roles import Role

router = APIRouter(prefix="/auth", tags=["auth"])
facilitator_router = APIRouter(prefix="/facilitators", tags=["auth"])

Config = Annotated[AuthConfig, Depends(auth_config_of)]
TenantHeader = Annotated[
    str | None, Header(alias="X-Tenant-ID", description="Organization id or slug")
]
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Wrong credentials, or `mfa_required`"},
    429: {"model": ErrorBody, "description": "Too many attempts"},
}


def signed_in(result: SignedIn) -> dict[str, Any]:
    return {
        "access_token": result.access_token,
        "refresh_token": result.refresh_token,
        "token_type": "bearer",
        "expires_in": result.expires_in,
        "user": profile.user_read(
            result.user, role=result.role, organization_id=result.organization_id
        ),
    }


@router.post("/register", status_code=201, response_model=RegisterResponse, responses=AUTH_ERRORS)
async def register(body: RegisterRequest, db: DbSession, tenant: TenantHeader = None) -> Any:
    """A customer account with the organization in `X-Tenant-ID`, where it allows sign-up."""
    user, organization_id = await profile.register(
        db,
        tenant=tenant,
        email=body.email,
        password=body.password,
        full_name=body.full_name or body.name,
        first_name=body.first_name,
        last_name=body.last_name,
        phone=body.phone,
    )
    read = profile.user_read(user, role=Role.customer, organization_id=organization_id)
    return {"message": "User registered successfully", "user": read}


@router.post("/login", response_model=LoginResponse, responses=AUTH_ERRORS)
async def login(
    body: LoginRequest, request: Request, db: DbSession, config: Config, tenant: TenantHeader = None
) -> Any:
    """Email and password. With MFA on, answers 401 `mfa_required` with an `mfa_token` in
    `details`; finish with `POST /auth/mfa/verify`, or send `mfa_code` along at once. After
    repeated failures the account backs off (429 with `Retry-After`); a password with
    `mfa_code` is still tried, and a password-reset link ends the backoff."""
    return await _password_login(body, request, db, config, tenant)


async def _password_login(
    body: LoginRequest,
    request: Request,
    db: DbSession,
    config: AuthConfig,
    tenant: str | None,
    only_role: Role | None = None,
) -> dict[str, Any]:
    limiter = getattr(request.app.state, "rate_limiter", None)
    if body.mfa_code is not None:
        result = await mfa.sign_in_with_code(
            db,
            config,
            email=body.email,
            password=body.password,
            code=body.mfa_code,
            tenant=tenant,
            ip=client_ip(request),
            user_agent=user_agent(request),
            only_role=only_role,
            limiter=limiter,
        )
    else:
        result = await sessions.login(
            db,
            config,
            email=body.email,
            password=body.password,
            tenant=tenant,
            ip=client_ip(request),
            user_agent=user_agent(request),
            only_role=only_role,
            limiter=limiter,
        )
    return signed_in(result)


@facilitator_router.post("/login", response_model=LoginResponse, responses=AUTH_ERRORS)
async def facilitator_login(
    body: LoginRequest, request: Request, db: DbSession, config: Config, tenant: TenantHeader = None
) -> Any:
    """The same sign-in, accepted only for users with the facilitator role (seed 002)."""
    return await _password_login(body, request, db, config, tenant, only_role=Role.facilitator)


@router.post("/refresh", response_model=LoginResponse, responses=AUTH_ERRORS)
async def refresh(body: RefreshRequest, request: Request, db: DbSession, config: Config) -> Any:
    """A new access token and a new refresh token; the one sent is used up."""
    result = await sessions.refresh(
        db,
        config,
        token=body.refresh_token,
        ip=client_ip(request),
        user_agent=user_agent(request),
    )
    return signed_in(result)


@router.post("/logout", status_code=204, response_class=Response)
async def logout(caller: Caller, db: DbSession, body: LogoutRequest | None = None) -> Response:
    """Ends this session at once (its access and refresh tokens); `everywhere` ends them all."""
    user = await _own_user(db, caller)
    await sessions.logout(
        db,
        user=user,
        session_id=caller.session_id,
        refresh_token=body.refresh_token if body else None,
        everywhere=body.everywhere if body else False,
    )
    return Response(status_code=204)


async def _own_user(db: DbSession, caller: Caller) -> Any:
    if caller.user_id is None:
        raise Forbidden("API keys have no user profile")
    user = await identity_service.get_user(db, caller.user_id)
    assert user is not None  # authentication just found it
    return user


@router.get("/me", response_model=UserRead | ApiKeyIdentity)
async def me(caller: Caller, reads: Reads) -> Any:
    """The signed-in user, with their role and permissions in the current organization; for an
    API key, the key (`kind: "api_key"`): its name, scopes and organization."""
    if caller.user_id is None:
        assert caller.api_key_id is not None  # a caller is a user or an API key
        return await profile.api_key_profile(
            reads, api_key_id=caller.api_key_id, permissions=caller.permissions
        )
    return await profile.own_profile(
        reads,
        user_id=caller.user_id,
        role=caller.role,
        organization_id=caller.organization_id,
    )


@router.get("/profile", response_model=UserRead | ApiKeyIdentity, include_in_schema=False)
async def profile_alias(caller: Caller, reads: Reads) -> Any:
    """Seed 002's name for GET /auth/me."""
    return await me(caller, reads)


@router.patch("/me", response_model=UserRead)
async def update_me(body: ProfileUpdate, caller: Caller, db: DbSession) -> Any:
    user = await _own_user(db, caller)
    await profile.update_profile(db, user, changes=body.model_dump(exclude_unset=True))
    return profile.user_read(user, role=caller.role, organization_id=caller.organization_id)


@router.post("/change-password", response_model=Message)
async def change_password(body: ChangePassword, caller: Caller, db: DbSession) -> Any:
    """Ends every session, this one included: sign in again with the new password."""
    user = await _own_user(db, caller)
    await profile.change_password(
        db, user, current_password=body.current_password, new_password=body.new_password
    )
    return {"message": "Password changed; every session has been signed out"}


@router.post("/password-reset/request", status_code=202, response_model=Message)
async def request_password_reset(body: PasswordResetRequest, db: DbSession, config: Config) -> Any:
    """Sends a reset link when the account exists; the answer is the same either way."""
    await profile.request_reset(db, config, email=body.email)
    return {"message": "If an account exists for this email, a reset link is on its way"}


@router.post("/password-reset/confirm", response_model=Message, responses=AUTH_ERRORS)
async def confirm_password_reset(body: PasswordResetConfirm, db: DbSession) -> Any:
    await profile.confirm_reset(db, token=body.token, new_password=body.new_password)
    return {"message": "Password set; sign in with it"}
