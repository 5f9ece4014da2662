"""/auth/verify-email and /auth/verify-phone: a signed-in account proves its email or phone, and
only then reaches the customer record with that address (customers/verification.py)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from maitred.customers import verification
from maitred.customers.schemas import (
    EmailVerificationConfirm,
    PhoneVerificationConfirm,
    VerificationAsked,
    VerificationDone,
)
from maitred.customers.verification_messages import send_challenge
from maitred.identity import service as identity_service
from maitred.identity.deps import AuthContext, Caller
from maitred.kit.deps import AppSettings, DbSession
from maitred.kit.errors import ErrorBody, Forbidden, ValidationFailed

router = APIRouter(prefix="/auth", tags=["auth"])

ASK_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "An API key, not an account"},
    422: {"model": ErrorBody, "description": "No phone number on the profile, or no business"},
    429: {"model": ErrorBody, "description": "Five requests an hour per channel at most"},
}
CONFIRM_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Wrong, used or expired link or code"},
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "An API key, not an account"},
    422: {"model": ErrorBody, "description": "Validation failed"},
}
ASKED = "If the address can receive it, a {what} is on its way"


async def _account(db: DbSession, caller: AuthContext) -> tuple[Any, uuid.UUID]:
    if caller.user_id is None:
        raise Forbidden("API keys have no email or phone to verify")
    if caller.organization_id is None:
        raise ValidationFailed(details={"X-Tenant-ID": "Say which business this is for"})
    user = await identity_service.get_user(db, caller.user_id)
    assert user is not None  # authentication just found it
    return user, caller.organization_id


async def _ask(db: DbSession, caller: AuthContext, settings: AppSettings, channel: str) -> None:
    user, organization_id = await _account(db, caller)
    challenge = await verification.ask(
        db, organization_id=organization_id, user=user, channel=channel
    )
    if challenge is not None:
        await send_challenge(
            db,
            organization_id=organization_id,
            challenge=challenge,
            public_url=settings.public_url,
        )


@router.post(
    "/verify-email/request", status_code=202, response_model=VerificationAsked, responses=ASK_ERRORS
)
async def request_email_verification(
    caller: Caller, db: DbSession, settings: AppSettings
) -> dict[str, str]:
    """Sends a single-use link to the account's email; finish with `POST /auth/verify-email`
    signed in as the same account. An address proven already links its record at once."""
    await _ask(db, caller, settings, "email")
    return {"message": ASKED.format(what="confirmation link")}


@router.post("/verify-email", response_model=VerificationDone, responses=CONFIRM_ERRORS)
async def confirm_email(body: EmailVerificationConfirm, caller: Caller, db: DbSession) -> Any:
    user, _ = await _account(db, caller)
    proven = await verification.confirm_email(db, user=user, token=body.token)
    return _done(proven)


@router.post(
    "/verify-phone/request", status_code=202, response_model=VerificationAsked, responses=ASK_ERRORS
)
async def request_phone_verification(
    caller: Caller, db: DbSession, settings: AppSettings
) -> dict[str, str]:
    """Sends a six-digit code by SMS to the profile's phone (10 minutes, 5 tries); finish with
    `POST /auth/verify-phone`."""
    await _ask(db, caller, settings, "phone")
    return {"message": ASKED.format(what="code")}


@router.post("/verify-phone", response_model=VerificationDone, responses=CONFIRM_ERRORS)
async def confirm_phone(body: PhoneVerificationConfirm, caller: Caller, db: DbSession) -> Any:
    user, _ = await _account(db, caller)
    proven = await verification.confirm_phone(db, user=user, code=body.code)
    return _done(proven)


def _done(proven: verification.Proven) -> dict[str, Any]:
    what = "email address" if proven.channel == "email" else "phone number"
    return {
        "message": f"Your {what} is confirmed",
        "verified": proven.channel,
        "customer_id": proven.customer.id if proven.customer else None,
    }
