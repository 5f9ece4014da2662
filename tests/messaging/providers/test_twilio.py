"""The twilio provider against a local stand-in of Twilio's Messages API: what it sends, and
what each kind of refusal becomes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from maitred.config import Settings
from maitred.messaging.providers import registry
from maitred.messaging.providers.base import PermanentSendError, Provider, TransientSendError
from tests.messaging.providers import twilio_api
from tests.messaging.providers.given import basic_auth, closed_port, outgoing
from tests.messaging.providers.standin import Answer, Play, StandIn

StandInFor = Callable[[Play], StandIn]


def organization_twilio(settings: Settings, api_base: str, **options: str) -> Provider:
    return registry.build(
        "twilio",
        registry.ProviderSetup(
            "sms",
            settings,
            credentials={"auth_token": twilio_api.AUTH_TOKEN},
            options={
                "account_sid": twilio_api.ACCOUNT_SID,
                "from_number": twilio_api.FROM_NUMBER,
                "api_base": api_base,
            }
            | options,
        ),
    )


async def test_a_message_is_posted_as_twilio_documents_it(
    settings: Settings, stand_in_for: StandInFor
) -> None:
    twilio = stand_in_for(twilio_api.play)
    provider = organization_twilio(
        settings, twilio.url, status_callback="https://maitred.example/api/v1/sms/status"
    )

    result = await provider.send(outgoing("sms", "+14155550100", body_text="See you at 7!"))

    (request,) = twilio.requests
    assert request.path == f"/2010-04-01/Accounts/{twilio_api.ACCOUNT_SID}/Messages.json"
    assert request.headers["authorization"] == basic_auth(
        twilio_api.ACCOUNT_SID, twilio_api.AUTH_TOKEN
    )
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form() == {
        "To": "+14155550100",
        "From": "+14155550000",
        "Body": "See you at 7!",
        "StatusCallback": "https://maitred.example/api/v1/sms/status",
    }
    assert result.provider_message_id is not None
    assert result.provider_message_id.startswith("SM")
    assert len(result.provider_message_id) == 34
    assert (result.status, result.sender) == ("sent", "+14155550000")


async def test_the_environment_default_reads_the_maitred_twilio_settings(
    settings: Settings, stand_in_for: StandInFor
) -> None:
    twilio = stand_in_for(twilio_api.play)
    environment = settings.model_copy(
        update={
            "twilio_account_sid": twilio_api.ACCOUNT_SID,
            "twilio_auth_token": twilio_api.AUTH_TOKEN,
            "twilio_from_number": "+14155550001",
            "twilio_api_base": twilio.url + "/",
        }
    )
    assert registry.environment_default("sms", environment) == "twilio"
    provider = registry.build(
        "twilio", registry.ProviderSetup("sms", environment, from_environment=True)
    )

    await provider.send(outgoing("sms", "+14155550100"))

    (request,) = twilio.requests
    assert request.form()["From"] == "+14155550001"
    assert "StatusCallback" not in request.form()


async def test_an_invalid_number_fails_for_good(
    settings: Settings, stand_in_for: StandInFor
) -> None:
    twilio = stand_in_for(twilio_api.play)

    with pytest.raises(PermanentSendError) as caught:
        await organization_twilio(settings, twilio.url).send(
            outgoing("sms", twilio_api.INVALID_NUMBER)
        )

    assert caught.value.code == "21211"
    assert str(caught.value) == (
        "twilio answered 400: The 'To' number +14155550199 is not a valid phone number."
    )


async def test_a_wrong_auth_token_fails_for_good(
    settings: Settings, stand_in_for: StandInFor
) -> None:
    twilio = stand_in_for(twilio_api.play)
    provider = registry.build(
        "twilio",
        registry.ProviderSetup(
            "sms",
            settings,
            credentials={"auth_token": "not-the-token"},
            options={
                "account_sid": twilio_api.ACCOUNT_SID,
                "from_number": twilio_api.FROM_NUMBER,
                "api_base": twilio.url,
            },
        ),
    )

    with pytest.raises(PermanentSendError) as caught:
        await provider.send(outgoing("sms", "+14155550100"))

    assert (caught.value.code, str(caught.value)) == ("20003", "twilio answered 401: Authenticate")


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (twilio_api.error(429, 20429, "Too Many Requests"), "20429"),
        (twilio_api.error(503, 20503, "Service Unavailable"), "20503"),
        (Answer(502, b"<html><body>Bad Gateway</body></html>"), "502"),
    ],
)
async def test_throttling_and_server_trouble_are_retried(
    settings: Settings, stand_in_for: StandInFor, answer: Answer, code: str
) -> None:
    twilio = stand_in_for(twilio_api.play)
    twilio.answer_next(answer)
    provider = organization_twilio(settings, twilio.url)

    with pytest.raises(TransientSendError) as caught:
        await provider.send(outgoing("sms", "+14155550100"))
    assert caught.value.code == code

    assert (await provider.send(outgoing("sms", "+14155550100"))).provider_message_id


async def test_an_unreachable_twilio_is_retried(settings: Settings) -> None:
    provider = organization_twilio(settings, f"http://127.0.0.1:{closed_port()}")

    with pytest.raises(TransientSendError) as caught:
        await provider.send(outgoing("sms", "+14155550100"))

    assert caught.value.code == "network_error"


async def test_without_credentials_nothing_is_sent(
    settings: Settings, stand_in_for: StandInFor
) -> None:
    twilio = stand_in_for(twilio_api.play)
    environment = settings.model_copy(update={"twilio_api_base": twilio.url})
    provider = registry.build(
        "twilio", registry.ProviderSetup("sms", environment, from_environment=True)
    )

    with pytest.raises(PermanentSendError) as caught:
        await provider.send(outgoing("sms", "+14155550100"))

    assert caught.value.code == "not_configured"
    assert str(caught.value) == (
        "twilio is not configured: missing account_sid, auth_token, from_number (set them "
        "with PUT /messaging/channels/sms or in the MAITRED_* environment)"
    )
    assert twilio.requests == []
