"""What a provider's callback says, read into two neutral shapes: a message that arrived, or a
delivery report on one we sent. Pure parsing of the documented payloads (Twilio's form,
RingCentral's message-store notification, Meta's WhatsApp `entry[].changes[].value`, Telegram's
Update); one callback may carry several events (WhatsApp batches them).

Each event names its provider event id, the key under which its callback is stored once, and an
`audit` summary kept with it that holds no address and no text: those stay encrypted in the
messages table only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar

# Provider statuses -> ours; unlisted ones (queued, sending, accepted, …) change nothing.
TWILIO_STATUSES = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",
}
RINGCENTRAL_STATUSES = {
    "Sent": "sent",
    "Delivered": "delivered",
    "DeliveryFailed": "failed",
    "SendingFailed": "failed",
}
WHATSAPP_STATUSES = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "failed": "failed",
}


@dataclass(frozen=True)
class MediaRef:
    """A file of an inbound message, still at the provider: a Twilio MediaUrl, a WhatsApp media
    id, a Telegram file_id. The worker fetches it (messaging/attachments.py)."""

    ref: str
    content_type: str = ""
    name: str = ""


@dataclass(frozen=True)
class Arrived:
    event_type: ClassVar[str] = "message.received"
    event_id: str
    channel: str
    from_address: str
    body: str
    provider_message_id: str
    to_address: str = ""
    contact_name: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    media: tuple[MediaRef, ...] = ()

    @property
    def audit(self) -> dict[str, Any]:
        return {"kind": "message", "channel": self.channel, "id": self.provider_message_id}


@dataclass(frozen=True)
class Reported:
    event_type: ClassVar[str] = "message.status"
    event_id: str
    provider_message_id: str
    status: str  # sent, delivered, failed; "" when the report changes nothing
    provider_status: str
    error: str | None = None

    @property
    def audit(self) -> dict[str, Any]:
        return {"kind": "status", "id": self.provider_message_id, "status": self.provider_status}


@dataclass(frozen=True)
class Ignored:
    """A verified callback about something the inbox does not handle (a call, an edit)."""

    event_type: ClassVar[str] = "ignored"
    event_id: str
    what: str

    @property
    def audit(self) -> dict[str, Any]:
        return {"kind": "ignored", "what": self.what}


Callback = Arrived | Reported | Ignored


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def from_twilio(form: dict[str, str]) -> list[Callback]:
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    if not sid:
        return []
    status = (form.get("MessageStatus") or form.get("SmsStatus") or "").lower()
    if status and status != "received":
        code, detail = form.get("ErrorCode"), form.get("ErrorMessage")
        error = f"{code}: {detail or status}" if code else None
        return [Reported(f"{sid}:{status}", sid, TWILIO_STATUSES.get(status, ""), status, error)]
    sender = form.get("From", "")
    channel = "whatsapp" if sender.startswith("whatsapp:") else "sms"
    media_count = int(form["NumMedia"]) if form.get("NumMedia", "").isdigit() else 0
    media = [form[f"MediaUrl{i}"] for i in range(media_count) if f"MediaUrl{i}" in form]
    types = [form.get(f"MediaContentType{i}", "") for i in range(media_count)]
    return [
        Arrived(
            event_id=sid,
            channel=channel,
            from_address=sender.removeprefix("whatsapp:"),
            to_address=form.get("To", "").removeprefix("whatsapp:"),
            body=form.get("Body", ""),
            provider_message_id=sid,
            contact_name=form.get("ProfileName", ""),
            meta={"media": media} if media else {},
            media=tuple(MediaRef(url, kind) for url, kind in zip(media, types, strict=False)),
        )
    ]


def from_ringcentral(payload: dict[str, Any]) -> list[Callback]:
    body = _dict(payload.get("body"))
    event_id = _text(payload.get("uuid")) or str(body.get("id") or "")
    if not event_id:
        return []
    if body.get("type") != "SMS" or "id" not in body:
        return [Ignored(event_id, _text(payload.get("event"))[:100] or "notification")]
    message_id = str(body["id"])
    status = _text(body.get("messageStatus"))
    if body.get("direction") == "Outbound":
        failed = RINGCENTRAL_STATUSES.get(status) == "failed"
        error = f"{body.get('smsDeliveryErrorCode') or status}" if failed else None
        return [Reported(event_id, message_id, RINGCENTRAL_STATUSES.get(status, ""), status, error)]
    sender = _dict(body.get("from"))
    recipients = body.get("to") if isinstance(body.get("to"), list) else []
    to = _dict(recipients[0]) if recipients else {}
    return [
        Arrived(
            event_id=event_id,
            channel="sms",
            from_address=_text(sender.get("phoneNumber")),
            to_address=_text(to.get("phoneNumber")),
            body=_text(body.get("subject")),
            provider_message_id=message_id,
            contact_name=_text(sender.get("name")),
        )
    ]


def _whatsapp_text(message: dict[str, Any]) -> str:
    kind = _text(message.get("type"))
    part = _dict(message.get(kind))
    return _text(part.get("body")) or _text(part.get("caption")) or _text(part.get("text"))


WHATSAPP_MEDIA = ("image", "audio", "video", "document", "sticker")


def _whatsapp_media(message: dict[str, Any]) -> tuple[MediaRef, ...]:
    kind = _text(message.get("type"))
    part = _dict(message.get(kind))
    if kind not in WHATSAPP_MEDIA or not _text(part.get("id")):
        return ()
    return (
        MediaRef(_text(part.get("id")), _text(part.get("mime_type")), _text(part.get("filename"))),
    )


def _whatsapp_values(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The `value` of every change of every entry."""
    values = []
    for entry in payload.get("entry") or []:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes or []:
            value = change.get("value") if isinstance(change, dict) else None
            if isinstance(value, dict):
                values.append(value)
    return values


def from_whatsapp(payload: dict[str, Any]) -> list[Callback]:
    found: list[Callback] = []
    for value in _whatsapp_values(payload):
        names = {
            c.get("wa_id"): _text((c.get("profile") or {}).get("name"))
            for c in value.get("contacts") or []
        }
        ours = _text((value.get("metadata") or {}).get("display_phone_number"))
        for message in value.get("messages") or []:
            sender, message_id = _text(message.get("from")), _text(message.get("id"))
            if not message_id:
                continue
            found.append(
                Arrived(
                    event_id=message_id,
                    channel="whatsapp",
                    from_address=f"+{sender.lstrip('+')}" if sender else "",
                    to_address=f"+{ours.lstrip('+')}" if ours else "",
                    body=_whatsapp_text(message),
                    provider_message_id=message_id,
                    contact_name=names.get(sender, ""),
                    meta={"type": _text(message.get("type"))},
                    media=_whatsapp_media(message),
                )
            )
        for report in value.get("statuses") or []:
            status, message_id = _text(report.get("status")), _text(report.get("id"))
            if not message_id:
                continue
            problems = report.get("errors") or [{}]
            problem = _dict(problems[0])
            error = f"{problem.get('code')}: {problem.get('title')}" if problem else None
            mapped = WHATSAPP_STATUSES.get(status, "")
            found.append(Reported(f"{message_id}:{status}", message_id, mapped, status, error))
    return found


def _telegram_media(message: dict[str, Any]) -> tuple[MediaRef, ...]:
    """A photo comes in several sizes: the largest is kept. Other files come once each."""
    photos = message.get("photo")
    if isinstance(photos, list) and photos and isinstance(photos[-1], dict):
        return (MediaRef(_text(photos[-1].get("file_id")), "image/jpeg"),)
    for kind in ("document", "video", "voice", "audio", "animation"):
        part = _dict(message.get(kind))
        if _text(part.get("file_id")):
            name = _text(part.get("file_name"))
            return (MediaRef(_text(part["file_id"]), _text(part.get("mime_type")), name),)
    return ()


def from_telegram(payload: dict[str, Any], organization_id: uuid.UUID) -> list[Callback]:
    """Update ids count per bot, not worldwide: the organization is part of the event id."""
    update_id = payload.get("update_id")
    if not isinstance(update_id, int):
        return []
    event_id = f"{organization_id}:{update_id}"
    message = payload.get("message")
    if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
        return [Ignored(event_id, "update")]
    person = _dict(message.get("from"))
    name = " ".join(_text(person.get(k)) for k in ("first_name", "last_name") if person.get(k))
    return [
        Arrived(
            event_id=event_id,
            channel="telegram",
            from_address=str(message["chat"].get("id", "")),
            body=_text(message.get("text")) or _text(message.get("caption")),
            provider_message_id=str(message.get("message_id", "")),
            contact_name=name or _text(person.get("username")),
            meta={"username": _text(person.get("username"))} if person.get("username") else {},
            media=_telegram_media(message),
        )
    ]
