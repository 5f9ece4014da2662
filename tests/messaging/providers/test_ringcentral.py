"""The ringcentral provider against a local stand-in of RingCentral's OAuth and SMS APIs: it
signs in with the JWT grant once per token lifetime, and maps refusals."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest

from maitred.config import Settings
from maitred.messaging.providers import registry, ringcentral
from maitred.messaging.providers.base import PermanentSendError, Provider, TransientSendError
from tests.messaging.providers.given import basic_auth, outgoing
from tests.messaging.providers.standin import Answer, Play, Recorded, StandIn

StandInFor = Callable[[Play], StandIn]
CLIENT_ID = "rc-client-7Hq2"
CLIENT_SECRET = "rc-secret-9Fz1"
JWT = "eyJraWQiOiI4NzYyZjU5OGQwNTk0NGRiODZiZjVjYTk3ODA0NzYwOCIsInR5cCI6IkpXVCJ9.e30.sig"
FROM_NUMBER = "+16505550123"
SMS_PATH = "/restapi/v1.0/account/~/extension/~/sms"


class RingCentralApi:
    """Plays /restapi/oauth/token and the SMS endpoint; `revoke()` invalidates the tokens it
    issued, as a password change or an admin would."""

    def __init__(self, expires_in: int = 3600) -> None:
        self.expires_in = expires_in
        self.tokens: set[str] = set()
        self._numbers = itertools.count(1)

    def revoke(self) -> None:
        self.tokens.clear()

    def __call__(self, request: Recorded) -> Answer:
        if request.path == "/restapi/oauth/token":
            return self.token(request)
        if request.path == SMS_PATH:
            return self.sms(request)
        return Answer(404, {"errorCode": "CMN-102", "message": "Resource not found"})

    def token(self, request: Recorded) -> Answer:
        if request.headers.get("authorization") != basic_auth(CLIENT_ID, CLIENT_SECRET):
            return Answer(401, {"error": "invalid_client", "error_description": "Invalid client"})
        form = request.form()
        if form != {"grant_type": ringcentral.JWT_GRANT, "assertion": JWT}:
            return Answer(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Invalid token",
                    "errors": [{"errorCode": "OAU-213", "message": "Token is invalid"}],
                },
            )
        token = f"U1BCMDFQMTBQQVMwMHxBQUFm{next(self._numbers)}"
        self.tokens.add(token)
        return Answer(
            200,
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": self.expires_in,
                "refresh_token": "refresh-not-used",
                "refresh_token_expires_in": 604800,
                "scope": "SMS ReadMessages",
                "owner_id": "62284924017",
            },
        )

    def sms(self, request: Recorded) -> Answer:
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return Answer(
                401,
                {
                    "errorCode": "TokenInvalid",
                    "message": "Access token is invalid",
                    "errors": [{"errorCode": "OAU-153", "message": "Access token is invalid"}],
                },
            )
        body = request.json()
        to = body["to"][0]["phoneNumber"]
        if to == "+1555":
            return Answer(
                400,
                {
                    "errorCode": "CMN-101",
                    "message": "Parameter [to.phoneNumber] value is invalid",
                    "errors": [{"errorCode": "CMN-101", "parameterName": "to.phoneNumber"}],
                },
            )
        return Answer(
            200,
            {
                "id": 1724099032020 + next(self._numbers),
                "to": [{"phoneNumber": to}],
                "from": body["from"],
                "type": "SMS",
                "direction": "Outbound",
                "messageStatus": "Queued",
                "subject": body["text"],
            },
        )


@pytest.fixture(autouse=True)
def no_cached_tokens() -> Iterator[None]:
    ringcentral.forget_tokens()
    yield
    ringcentral.forget_tokens()


def provider_at(settings: Settings, api_base: str, *, jwt: str = JWT) -> Provider:
    return registry.build(
        "ringcentral",
        registry.ProviderSetup(
            "sms",
            settings,
            credentials={"client_secret": CLIENT_SECRET, "jwt": jwt},
            options={"client_id": CLIENT_ID, "from_number": FROM_NUMBER, "api_base": api_base},
        ),
    )


async def test_it_signs_in_once_and_sends_with_the_token(
    settings: Settings, stand_in_for: StandInFor
) -> None:
    server = stand_in_for(RingCentralApi())
    provider = provider_at(settings, server.url)

    first = await provider.send(outgoing("sms", "+14155550100", body_text="Table for 8 at 7"))
    second = await provider_at(settings, server.url).send(outgoing("sms", "+14155550101"))

    assert [r.path for r in server.requests] == ["/restapi/oauth/token", SMS_PATH, SMS_PATH]
    sign_in, send = server.requests[:2]
    assert sign_in.headers["authorization"] == basic_auth(CLIENT_ID, CLIENT_SECRET)
    assert sign_in.form() == {"grant_type": ringcentral.JWT_GRANT, "assertion": JWT}
    assert send.headers["authorization"] == "Bearer U1BCMDFQMTBQQVMwMHxBQUFm1"
    assert send.json() == {
        "from": {"phoneNumber": FROM_NUMBER},
        "to": [{"phoneNumber": "+14155550100"}],
        "text": "Table for 8 at 7",
    }
    assert (first.provider_message_id, first.sender) == ("1724099032022", FROM_NUMBER)
    assert second.provider_message_id == "1724099032023"


async def test_an_expired_token_is_replaced_before_sending(
    settings: Settings, stand_in_for: StandInFor
) -> None:
    server = stand_in_for(RingCentralApi(expires_in=int(ringcentral.EXPIRY_MARGIN_SECONDS)))
    provider = provider_at(settings, server.url)

    await provider.send(outgoing("sms", "+14155550100"))
    await provider.send(outgoing("sms", "+14155550100"))

    assert [r.path for r in server.requests] == ["/restapi/oauth/token", SMS_PATH] * 2


async def test_a_token_revoked_early_is_fetched_again_once(
    settings: Settings, stand_in_for: StandInFor
) -> None:
    api = RingCentralApi()
    server = stand_in_for(api)
    provider = provider_at(settings, server.url)
    await provider.send(outgoing("sms", "+14155550100"))
    api.revoke()

    result = await provider.send(outgoing("sms", "+14155550100"))

    assert [r.path for r in server.requests[2:]] == [SMS_PATH, "/restapi/oauth/token", SMS_PATH]
    assert server.requests[-1].headers["authorization"] == "Bearer U1BCMDFQMTBQQVMwMHxBQUFm3"
    assert result.provider_message_id == "1724099032024"


async def test_a_rejected_jwt_fails_for_good(settings: Settings, stand_in_for: StandInFor) -> None:
    server = stand_in_for(RingCentralApi())

    with pytest.raises(PermanentSendError) as caught:
        await provider_at(settings, server.url, jwt="expired.jwt.value").send(
            outgoing("sms", "+14155550100")
        )

    assert caught.value.code == "OAU-213"
    assert str(caught.value) == "ringcentral answered 400: sign-in refused: Invalid token"
    assert [r.path for r in server.requests] == ["/restapi/oauth/token"]


async def test_an_invalid_number_fails_for_good(
    settings: Settings, stand_in_for: StandInFor
) -> None:
    server = stand_in_for(RingCentralApi())

    with pytest.raises(PermanentSendError) as caught:
        await provider_at(settings, server.url).send(outgoing("sms", "+1555"))

    assert caught.value.code == "CMN-101"
    assert str(caught.value) == (
        "ringcentral answered 400: Parameter [to.phoneNumber] value is invalid"
    )


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (
            Answer(
                429,
                {"errorCode": "CMN-301", "message": "Request rate exceeded"},
                {"Retry-After": "60"},
            ),
            "CMN-301",
        ),
        (
            Answer(503, {"errorCode": "CMN-211", "message": "Service temporarily unavailable"}),
            "CMN-211",
        ),
    ],
)
async def test_throttling_and_outages_are_retried(
    settings: Settings, stand_in_for: StandInFor, answer: Answer, code: str
) -> None:
    server = stand_in_for(RingCentralApi())
    provider = provider_at(settings, server.url)
    await provider.send(outgoing("sms", "+14155550100"))
    server.answer_next(answer)

    with pytest.raises(TransientSendError) as caught:
        await provider.send(outgoing("sms", "+14155550100"))

    assert caught.value.code == code


async def test_without_a_jwt_nothing_is_sent(settings: Settings, stand_in_for: StandInFor) -> None:
    server = stand_in_for(RingCentralApi())
    environment = settings.model_copy(
        update={"ringcentral_client_id": CLIENT_ID, "ringcentral_api_base": server.url}
    )
    provider = registry.build(
        "ringcentral", registry.ProviderSetup("sms", environment, from_environment=True)
    )

    with pytest.raises(PermanentSendError) as caught:
        await provider.send(outgoing("sms", "+14155550100"))

    assert caught.value.code == "not_configured"
    assert "missing client_secret, jwt, from_number" in str(caught.value)
    assert server.requests == []
