"""One stand-in that plays the three providers' APIs as documented, for sending media and for
handing back the media of inbound messages: Twilio's Messages and Media resources (basic auth),
the WhatsApp Cloud API's messages and media ids (bearer token), the Telegram Bot API's send
methods, getFile and file downloads (the token in the path)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest

from tests.files.images import phone_photo, png
from tests.messaging.attachments.given import BOT_TOKEN, PHONE_NUMBER_ID, WHATSAPP_TOKEN
from tests.messaging.providers import twilio_api
from tests.messaging.providers.given import basic_auth
from tests.messaging.providers.standin import Answer, Recorded, StandIn

PHOTO = phone_photo((40, 30), "red")  # what the providers hold for inbound messages
PNG = png((20, 10), "blue")
_ids = itertools.count(1)


class ProviderAPIs:
    def __init__(self) -> None:
        self.url = ""

    def play(self, request: Recorded) -> Answer:
        path = request.path
        if re.fullmatch(r"/2010-04-01/Accounts/\w+/Messages\.json", path):
            return twilio_api.play(request)
        if re.fullmatch(r"/2010-04-01/Accounts/\w+/Messages/\w+/Media/\w+", path):
            auth = basic_auth(twilio_api.ACCOUNT_SID, twilio_api.AUTH_TOKEN)
            if request.headers.get("authorization") != auth:
                return Answer(401, {"code": 20003, "message": "Authenticate"})
            return Answer(200, PHOTO, {"Content-Type": "image/jpeg"})
        if path.startswith(f"/bot{BOT_TOKEN}/"):
            return self._telegram(path.removeprefix(f"/bot{BOT_TOKEN}/"), request)
        if path == f"/file/bot{BOT_TOKEN}/photos/file_7.jpg":
            return Answer(200, PHOTO, {"Content-Type": "application/octet-stream"})
        if request.headers.get("authorization") != f"Bearer {WHATSAPP_TOKEN}":
            return Answer(401, {"error": {"code": 190, "message": "Invalid OAuth access token"}})
        if path == f"/{PHONE_NUMBER_ID}/messages":
            return Answer(200, {"messages": [{"id": f"wamid.{next(_ids)}"}]})
        if match := re.fullmatch(r"/(\d+)", path):
            url = f"{self.url}/whatsapp-media/{match[1]}"
            return Answer(200, {"url": url, "mime_type": "image/png", "id": match[1]})
        if path.startswith("/whatsapp-media/"):
            return Answer(200, PNG, {"Content-Type": "image/png"})
        return Answer(404, {"error": {"code": 100, "message": "Unknown path"}})

    def _telegram(self, method: str, request: Recorded) -> Answer:
        if method in ("sendMessage", "sendPhoto", "sendDocument"):
            result = {"message_id": next(_ids), "from": {"username": "hibachi_bot"}}
            return Answer(200, {"ok": True, "result": result})
        if method == "getFile":
            file_id = request.json()["file_id"]
            result = {"file_id": file_id, "file_size": len(PHOTO), "file_path": "photos/file_7.jpg"}
            return Answer(200, {"ok": True, "result": result})
        return Answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})


@pytest.fixture
def provider_apis() -> Iterator[StandIn]:
    apis = ProviderAPIs()
    stand_in = StandIn(apis.play)
    apis.url = stand_in.url
    with stand_in.running() as server:
        yield server
