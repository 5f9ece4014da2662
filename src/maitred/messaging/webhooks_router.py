"""/webhooks/twilio, /webhooks/ringcentral, /webhooks/whatsapp, /webhooks/telegram: the
providers' callbacks (seed 001's "RingCentral Webhook" and its siblings).

The organization comes from `?org=` or `X-Tenant-ID` (a one-business install needs neither), the
secret from its channel settings or the environment. A callback whose signature does not check
out is 401 and leaves nothing behind; a verified one is stored once per provider event id, so
the providers' retries are answered 200 and change nothing.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from maitred.kit.api_paths import requested_path
from maitred.kit.deps import DbSession, app_settings
from maitred.kit.errors import ErrorBody, Forbidden, InvalidRequest
from maitred.kit.unknown_query import accepts_any_query
from maitred.messaging import inbound
from maitred.messaging import provider_callbacks as callbacks
from maitred.messaging.webhook_secrets import webhook_secret
from maitred.messaging.webhook_signatures import hub_valid, same, twilio_valid
from maitred.tenancy.public import PublicOrganization
from maitred.webhooks.inbound import WebhookSignatureInvalid

router = APIRouter(prefix="/webhooks", tags=["provider webhooks"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Signature or token missing or wrong"},
    404: {"model": ErrorBody, "description": "No such organization"},
}
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
MAX_BODY = 1024 * 1024


class CallbackAccepted(BaseModel):
    accepted: int = Field(description="Events new to us; 0 for a provider's retry")


def _text_answer(media_type: str, description: str, example: str) -> dict[str, Any]:
    schema = {"type": "string", "example": example}
    return {"description": description, "content": {media_type: {"schema": schema}}}


async def _body(request: Request) -> bytes:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise InvalidRequest("The callback is too large")
    return raw


def _json(raw: bytes) -> dict[str, Any]:
    try:
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError:
        payload = None
    if not isinstance(payload, dict):
        raise InvalidRequest("Expected a JSON object")
    return payload


def _twilio_urls(request: Request) -> list[str]:
    """Twilio signs the URL it was given: ours as the public sees it, or as we received it
    (with the path it called: `/api/...` is served as `/api/v1/...`)."""
    query = f"?{request.url.query}" if request.url.query else ""
    path = requested_path(request.scope)
    public = app_settings(request).public_url.rstrip("/") + path + query
    return [public, str(request.url.replace(path=path))]


@router.post(
    "/twilio",
    response_class=Response,
    responses={**ERRORS, 200: _text_answer("text/xml", "Empty TwiML: no reply", EMPTY_TWIML)},
)
@accepts_any_query
async def twilio_webhook(
    request: Request, organization: PublicOrganization, db: DbSession
) -> Response:
    """Inbound SMS (and WhatsApp through Twilio) and status callbacks, signed with
    `X-Twilio-Signature`; answered with empty TwiML (no automatic reply)."""
    form = parse_qsl((await _body(request)).decode("utf-8", "replace"), keep_blank_values=True)
    token = await webhook_secret(db, organization.id, app_settings(request), "twilio_auth_token")
    signature = request.headers.get("x-twilio-signature")
    if not twilio_valid(token, signature, _twilio_urls(request), form):
        raise WebhookSignatureInvalid()
    await inbound.record_callbacks(
        db,
        organization_id=organization.id,
        provider="twilio",
        callbacks=callbacks.from_twilio(dict(form)),
        headers=dict(request.headers),
    )
    return Response(EMPTY_TWIML, media_type="text/xml")


@router.post("/ringcentral", response_model=CallbackAccepted, responses=ERRORS)
@accepts_any_query
async def ringcentral_webhook(
    request: Request, organization: PublicOrganization, db: DbSession
) -> Any:
    """A subscription being set up sends `Validation-Token`, echoed back; every notification
    after that carries the subscription's `Verification-Token`."""
    validation = request.headers.get("validation-token")
    if validation is not None:
        return Response(status_code=200, headers={"Validation-Token": validation[:200]})
    expected = await webhook_secret(
        db, organization.id, app_settings(request), "ringcentral_verification_token"
    )
    if not same(request.headers.get("verification-token"), expected):
        raise WebhookSignatureInvalid()
    accepted = await inbound.record_callbacks(
        db,
        organization_id=organization.id,
        provider="ringcentral",
        callbacks=callbacks.from_ringcentral(_json(await _body(request))),
        headers=dict(request.headers),
    )
    return {"accepted": accepted}


@router.get(
    "/whatsapp",
    response_class=Response,
    responses={
        200: _text_answer("text/plain", "The challenge, echoed", "1158201444"),
        403: {"model": ErrorBody, "description": "The verify token does not match"},
    },
)
@accepts_any_query
async def whatsapp_verification(
    request: Request,
    organization: PublicOrganization,
    db: DbSession,
    mode: Annotated[str | None, Query(alias="hub.mode")] = None,
    verify_token: Annotated[str | None, Query(alias="hub.verify_token")] = None,
    challenge: Annotated[str | None, Query(alias="hub.challenge", max_length=200)] = None,
) -> PlainTextResponse:
    """Meta's subscription handshake: the challenge is echoed when the verify token matches."""
    expected = await webhook_secret(
        db, organization.id, app_settings(request), "whatsapp_verify_token"
    )
    if mode != "subscribe" or challenge is None or not same(verify_token, expected):
        raise Forbidden("The verify token does not match")
    return PlainTextResponse(challenge)


@router.post("/whatsapp", response_model=CallbackAccepted, responses=ERRORS)
@accepts_any_query
async def whatsapp_webhook(
    request: Request, organization: PublicOrganization, db: DbSession
) -> Any:
    """Messages and delivery statuses, signed with `X-Hub-Signature-256` over the raw body."""
    raw = await _body(request)
    secret = await webhook_secret(db, organization.id, app_settings(request), "whatsapp_app_secret")
    if not hub_valid(secret, request.headers.get("x-hub-signature-256"), raw):
        raise WebhookSignatureInvalid()
    accepted = await inbound.record_callbacks(
        db,
        organization_id=organization.id,
        provider="whatsapp_cloud",
        callbacks=callbacks.from_whatsapp(_json(raw)),
        headers=dict(request.headers),
    )
    return {"accepted": accepted}


@router.post("/telegram", response_model=CallbackAccepted, responses=ERRORS)
@accepts_any_query
async def telegram_webhook(
    request: Request, organization: PublicOrganization, db: DbSession
) -> Any:
    """Bot updates; `X-Telegram-Bot-Api-Secret-Token` repeats the secret given to setWebhook."""
    expected = await webhook_secret(
        db, organization.id, app_settings(request), "telegram_webhook_secret"
    )
    if not same(request.headers.get("x-telegram-bot-api-secret-token"), expected):
        raise WebhookSignatureInvalid()
    accepted = await inbound.record_callbacks(
        db,
        organization_id=organization.id,
        provider="telegram",
        callbacks=callbacks.from_telegram(_json(await _body(request)), organization.id),
        headers=dict(request.headers),
    )
    return {"accepted": accepted}
