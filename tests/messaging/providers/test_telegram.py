"""The telegram provider against a local stand-in of the Bot API: sendMessage, its ok/false
answers, and a token that never reaches a log line."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from maitred.config import Settings
from maitred.messaging.providers import registry
from maitred.messaging.providers.base import PermanentSendError, Provider, TransientSendError
from tests.messaging.providers.given import outgoing
from tests.messaging.providers.standin import Answer, Play, Recorded, StandIn

StandInFor = Callable[[Play], StandIn]
BOT_TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
BLOCKED_CHAT = "555000111"


def refused(code: int, description: str, **parameters: int) -> Answer:
    body: dict[str, object] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Answer(code, body)


def play(request: Recorded) -> Answer:
    if request.path != f"/bot{BOT_TOKEN}/sendMessage":
        return refused(401, "Unauthorized")
    body = request.json()
    if body["chat_id"] == BLOCKED_CHAT:
        return refused(403, "Forbidden: bot was blocked by the user")
    if body["chat_id"] == "0":
        return refused(400, "Bad Request: chat not found")
    return Answer(
        200,
        {
            "ok": True,
            "result": {
                "message_id": 4821,
                "from": {"id": 7012345678, "is_bot": True, "username": "HibachiHelperBot"},
                "chat": {"id": int(body["chat_id"]), "type": "private"},
                "date": 1764158400,
                "text": body["text"],
            },
        },
    )


def provider_at(settings: Settings, api_base: str, token: str = BOT_TOKEN) -> Provider:
    return registry.build(
        "telegram",
        registry.ProviderSetup(
            "telegram", settings, credentials={"bot_token": token}, options={"api_base": api_base}
        ),
    )


async def test_a_message_goes_to_send_message_and_the_token_stays_out_of_logs(
    settings: Settings, stand_in_for: StandInFor, caplog: pytest.LogCaptureFixture
) -> None:
    bot_api = stand_in_for(play)
    caplog.set_level(logging.INFO, logger="httpx")

    result = await provider_at(settings, bot_api.url).send(
        outgoing("telegram", "123456789", body_text="Your table is ready")
    )

    (request,) = bot_api.requests
    assert request.json() == {"chat_id": "123456789", "text": "Your table is ready"}
    assert (result.provider_message_id, result.sender) == ("4821", "@HibachiHelperBot")
    logged = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert logged == [
        f'HTTP Request: POST {bot_api.url}/bot<redacted>/sendMessage "HTTP/1.0 200 OK"'
    ]


async def test_the_environment_default_reads_the_maitred_telegram_settings(
    settings: Settings, stand_in_for: StandInFor
) -> None:
    bot_api = stand_in_for(play)
    environment = settings.model_copy(
        update={"telegram_bot_token": BOT_TOKEN, "telegram_api_base": bot_api.url}
    )
    assert registry.environment_default("telegram", environment) == "telegram"
    provider = registry.build(
        "telegram", registry.ProviderSetup("telegram", environment, from_environment=True)
    )

    assert (await provider.send(outgoing("telegram", "123456789"))).provider_message_id == "4821"


@pytest.mark.parametrize(
    ("chat", "token", "code", "message"),
    [
        (BLOCKED_CHAT, BOT_TOKEN, "403", "Forbidden: bot was blocked by the user"),
        ("0", BOT_TOKEN, "400", "Bad Request: chat not found"),
        ("123456789", "7012345678:revoked", "401", "Unauthorized"),
    ],
)
async def test_a_blocked_bot_an_unknown_chat_or_a_bad_token_fails_for_good(
    settings: Settings, stand_in_for: StandInFor, chat: str, token: str, code: str, message: str
) -> None:
    bot_api = stand_in_for(play)

    with pytest.raises(PermanentSendError) as caught:
        await provider_at(settings, bot_api.url, token).send(outgoing("telegram", chat))

    assert caught.value.code == code
    assert str(caught.value) == f"telegram answered {code}: {message}"
    assert "revoked" not in str(caught.value)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            refused(429, "Too Many Requests: retry after 5", retry_after=5),
            "telegram answered 429: Too Many Requests: retry after 5 (retry after 5 s)",
        ),
        (refused(502, "Bad Gateway"), "telegram answered 502: Bad Gateway"),
    ],
)
async def test_flood_control_and_outages_are_retried(
    settings: Settings, stand_in_for: StandInFor, answer: Answer, message: str
) -> None:
    bot_api = stand_in_for(play)
    bot_api.answer_next(answer)

    with pytest.raises(TransientSendError) as caught:
        await provider_at(settings, bot_api.url).send(outgoing("telegram", "123456789"))

    assert str(caught.value) == message


async def test_without_a_bot_token_nothing_is_sent(settings: Settings) -> None:
    provider = registry.build(
        "telegram", registry.ProviderSetup("telegram", settings, from_environment=True)
    )

    with pytest.raises(PermanentSendError) as caught:
        await provider.send(outgoing("telegram", "123456789"))

    assert caught.value.code == "not_configured"
    assert "missing bot_token" in str(caught.value)
