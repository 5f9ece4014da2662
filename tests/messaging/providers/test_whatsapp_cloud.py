"""The whatsapp_cloud provider against a local stand-in of the WhatsApp Cloud API (Graph): the
request it makes, and which Graph errors are retried."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from maitred.config import Settings
from maitred.messaging.providers import registry
from maitred.messaging.providers.base import PermanentSendError, Provider, TransientSendError
from tests.messaging.providers.given import outgoing
from tests.messaging.providers.standin import Answer, Play, Recorded, StandIn

StandInFor = Callable[[Play], StandIn]
PHONE_NUMBER_ID = "106540352242922"
ACCESS_TOKEN = "EAAJB3xZCZB8ZAkBAMZCtest"
NOT_ON_WHATSAPP = "15555550000"


def graph_error(status: int, code: int, message: str, kind: str = "OAuthException") -> Answer:
    return Answer(
        status,
        {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEf123"}},
    )


def play(request: Recorded) -> Answer:
    if request.path != f"/v21.0/{PHONE_NUMBER_ID}/messages":
        return graph_error(400, 100, "Unsupported post request.", "GraphMethodException")
    if request.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
        return graph_error(401, 190, "Invalid OAuth access token - Cannot parse access token")
    to = request.json()["to"]
    if to == NOT_ON_WHATSAPP:
        return graph_error(400, 131026, "(#131026) Message undeliverable")
    return Answer(
        200,
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": "wamid.HBgLMTQxNTU1NTAxMDAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"}],
        },
    )


def provider_at(settings: Settings, api_base: str, token: str = ACCESS_TOKEN) -> Provider:
    return registry.build(
        "whatsapp_cloud",
        registry.ProviderSetup(
            "whatsapp",
            settings,
            credentials={"access_token": token},
            options={"phone_number_id": PHONE_NUMBER_ID, "api_base": api_base},
        ),
    )


async def test_a_text_message_is_posted_to_the_phone_numbers_messages(
    settings: Settings, stand_in_for: StandInFor
) -> None:
    graph = stand_in_for(play)

    result = await provider_at(settings, graph.url + "/v21.0").send(
        outgoing("whatsapp", "+14155550100", body_text="Your chef arrives at 6:30")
    )

    (request,) = graph.requests
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "14155550100",
        "type": "text",
        "text": {"body": "Your chef arrives at 6:30"},
    }
    assert (
        result.provider_message_id == "wamid.HBgLMTQxNTU1NTAxMDAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"
    )
    assert result.sender == PHONE_NUMBER_ID


async def test_the_environment_default_reads_the_maitred_whatsapp_settings(
    settings: Settings, stand_in_for: StandInFor
) -> None:
    graph = stand_in_for(play)
    environment = settings.model_copy(
        update={
            "whatsapp_access_token": ACCESS_TOKEN,
            "whatsapp_phone_number_id": PHONE_NUMBER_ID,
            "whatsapp_api_base": graph.url + "/v21.0",
        }
    )
    assert registry.environment_default("whatsapp", environment) == "whatsapp_cloud"
    provider = registry.build(
        "whatsapp_cloud", registry.ProviderSetup("whatsapp", environment, from_environment=True)
    )

    assert (await provider.send(outgoing("whatsapp", "+14155550100"))).provider_message_id


@pytest.mark.parametrize(
    ("to", "token", "code", "message"),
    [
        (NOT_ON_WHATSAPP, ACCESS_TOKEN, "131026", "(#131026) Message undeliverable"),
        (
            "14155550100",
            "expired",
            "190",
            "Invalid OAuth access token - Cannot parse access token",
        ),
    ],
)
async def test_an_undeliverable_recipient_or_a_bad_token_fails_for_good(
    settings: Settings, stand_in_for: StandInFor, to: str, token: str, code: str, message: str
) -> None:
    graph = stand_in_for(play)

    with pytest.raises(PermanentSendError) as caught:
        await provider_at(settings, graph.url + "/v21.0", token).send(outgoing("whatsapp", to))

    assert caught.value.code == code
    assert str(caught.value).endswith(f": {message}")


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (graph_error(400, 130429, "(#130429) Rate limit hit"), "130429"),
        (graph_error(400, 80007, "(#80007) Rate limit issues"), "80007"),
        (graph_error(400, 4, "(#4) Application request limit reached"), "4"),
        (graph_error(500, 131000, "Something went wrong"), "131000"),
        (graph_error(503, 2, "Service temporarily unavailable"), "2"),
    ],
)
async def test_rate_limits_and_graph_trouble_are_retried(
    settings: Settings, stand_in_for: StandInFor, answer: Answer, code: str
) -> None:
    graph = stand_in_for(play)
    graph.answer_next(answer)

    with pytest.raises(TransientSendError) as caught:
        await provider_at(settings, graph.url + "/v21.0").send(outgoing("whatsapp", "+1415"))

    assert caught.value.code == code


async def test_an_invalid_parameter_fails_for_good(
    settings: Settings, stand_in_for: StandInFor
) -> None:
    graph = stand_in_for(play)
    graph.answer_next(graph_error(400, 100, "(#100) Invalid parameter"))

    with pytest.raises(PermanentSendError) as caught:
        await provider_at(settings, graph.url + "/v21.0").send(outgoing("whatsapp", "+1415"))

    assert caught.value.code == "100"


async def test_without_a_phone_number_id_nothing_is_sent(settings: Settings) -> None:
    environment = settings.model_copy(update={"whatsapp_access_token": ACCESS_TOKEN})
    provider = registry.build(
        "whatsapp_cloud", registry.ProviderSetup("whatsapp", environment, from_environment=True)
    )

    with pytest.raises(PermanentSendError) as caught:
        await provider.send(outgoing("whatsapp", "+14155550100"))

    assert caught.value.code == "not_configured"
    assert "missing phone_number_id" in str(caught.value)
