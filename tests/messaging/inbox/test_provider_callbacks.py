"""Reading the providers' documented payloads: every kind of event lands in the right shape."""

from __future__ import annotations

import uuid

from maitred.messaging.provider_callbacks import (
    Arrived,
    Ignored,
    MediaRef,
    Reported,
    from_ringcentral,
    from_telegram,
    from_twilio,
    from_whatsapp,
)


def test_twilio_whatsapp_senders_lose_their_prefix_and_media_is_listed() -> None:
    [arrived] = from_twilio(
        {
            "MessageSid": "MM123",
            "From": "whatsapp:+19164445566",
            "To": "whatsapp:+14155550100",
            "Body": "",
            "NumMedia": "1",
            "MediaUrl0": "https://api.twilio.com/media/ME1",
            "ProfileName": "Alice",
        }
    )

    assert arrived == Arrived(
        event_id="MM123",
        channel="whatsapp",
        from_address="+19164445566",
        to_address="+14155550100",
        body="",
        provider_message_id="MM123",
        contact_name="Alice",
        meta={"media": ["https://api.twilio.com/media/ME1"]},
        media=(MediaRef("https://api.twilio.com/media/ME1"),),
    )


def test_whatsapp_statuses_are_one_event_each() -> None:
    statuses = [
        {"id": "wamid.A", "status": "read", "timestamp": "1749416390", "recipient_id": "1916"},
        {
            "id": "wamid.B",
            "status": "failed",
            "errors": [{"code": 131047, "title": "Re-engagement message"}],
        },
    ]
    payload = {"entry": [{"changes": [{"field": "messages", "value": {"statuses": statuses}}]}]}

    assert from_whatsapp(payload) == [
        Reported("wamid.A:read", "wamid.A", "delivered", "read"),
        Reported("wamid.B:failed", "wamid.B", "failed", "failed", "131047: Re-engagement message"),
    ]


def test_ringcentral_outbound_reports_and_other_events() -> None:
    failed = from_ringcentral(
        {
            "uuid": "e-1",
            "body": {
                "id": 99,
                "type": "SMS",
                "direction": "Outbound",
                "messageStatus": "DeliveryFailed",
                "smsDeliveryErrorCode": "CarrierReject",
            },
        }
    )
    call = from_ringcentral(
        {"uuid": "e-2", "event": "/restapi/v1.0/account/~/telephony/sessions", "body": {}}
    )

    assert failed == [Reported("e-1", "99", "failed", "DeliveryFailed", "CarrierReject")]
    assert call == [Ignored("e-2", "/restapi/v1.0/account/~/telephony/sessions")]
    assert from_ringcentral({"body": "nonsense"}) == []


def test_telegram_updates_are_scoped_to_the_organization() -> None:
    organization_id = uuid.uuid4()

    edited = from_telegram({"update_id": 5, "edited_message": {"text": "x"}}, organization_id)

    assert edited == [Ignored(f"{organization_id}:5", "update")]
    assert from_telegram({"update_id": "5"}, organization_id) == []
