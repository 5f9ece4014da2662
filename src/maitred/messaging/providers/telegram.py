"""The `telegram` provider: the Telegram Bot API.

POST {api_base}/bot{token}/sendMessage with `{"chat_id", "text"}`; the answer is `{"ok": true,
"result": {"message_id", …}}` or `{"ok": false, "error_code", "description", "parameters":
{"retry_after"}}`. 400 (chat not found, text too long) and 403 (the bot was blocked) never work
on retry; 429 and 5xx may. Files go up with sendPhoto (images) or sendDocument as
multipart/form-data, the text as the first one's caption; an inbound file_id is read back
with getFile and then {api_base}/file/bot<token>/<file_path>.

The token is part of the URL, so it is kept out of error messages and scrubbed from httpx's
request log lines.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from maitred.messaging.providers.base import (
    FetchedMedia,
    OutgoingMessage,
    PermanentSendError,
    SendResult,
    TransientSendError,
)
from maitred.messaging.providers.http_api import base_url, body_of, call, failure, fetch
from maitred.messaging.providers.setup import ProviderFields, ProviderSetup, require_settings

NAME = "telegram"
FIELDS = ProviderFields(
    options=("api_base",),
    # webhook_secret: checks Telegram's webhook calls (webhook_secrets.py).
    credentials=("bot_token", "webhook_secret"),
    required_credentials=("bot_token",),
)
_BOT_PATH = re.compile(r"/bot[^/\s]+/")
_FILE_PATH = re.compile(r"[A-Za-z0-9_./-]{1,200}")
CAPTION_LIMIT = 1024  # longer text goes as a message of its own, before the files


class _ScrubBotTokens(logging.Filter):
    """Rewrites `/bot<token>/` in httpx's "HTTP Request: POST <url>" lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any("/bot" in str(a) for a in record.args):
            record.args = tuple(
                _BOT_PATH.sub("/bot<redacted>/", str(a)) if "/bot" in str(a) else a
                for a in record.args
            )
        return True


_scrubber = _ScrubBotTokens()
logging.getLogger("httpx").addFilter(_scrubber)  # idempotent: a filter is added once


class TelegramProvider:
    name = NAME
    channel = "telegram"

    def __init__(self, *, bot_token: str, api_base: str) -> None:
        self.bot_token = bot_token
        self.api_base = api_base

    def _url(self, method: str) -> str:
        return f"{base_url(self.api_base)}/bot{self.bot_token}/{method}"

    async def _call(self, method: str, **kwargs: Any) -> dict[str, Any]:
        """The `result` of a Bot API method, or the error its answer describes."""
        response = await call(NAME, "POST", self._url(method), **kwargs)
        body = body_of(response)
        if response.status_code >= 400 or body.get("ok") is not True:
            code = body.get("error_code")
            status = code if isinstance(code, int) and code >= 400 else response.status_code
            description = str(body.get("description") or "")
            parameters = body.get("parameters")
            retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
            if retry_after is not None:
                description = f"{description} (retry after {retry_after} s)"
            raise failure(NAME, status, body.get("error_code"), description)
        result = body.get("result")
        return result if isinstance(result, dict) else {}

    async def send(self, message: OutgoingMessage) -> SendResult:
        require_settings(NAME, self.channel, {"bot_token": self.bot_token})
        results = []
        caption = message.body_text
        if not message.media or len(caption) > CAPTION_LIMIT:
            results.append(
                await self._call("sendMessage", json={"chat_id": message.to, "text": caption})
            )
            caption = ""
        for media in message.media:
            # A photo is shown inline (GIFs would lose their motion); anything else as a file.
            method, field = (
                ("sendPhoto", "photo")
                if media.is_image and media.content_type != "image/gif"
                else ("sendDocument", "document")
            )
            form = {"chat_id": message.to, **({"caption": caption} if caption else {})}
            files = {field: (media.name, media.data, media.content_type)}
            results.append(await self._call(method, data=form, files=files))
            caption = ""
        result = results[0]
        if result.get("message_id") is None:
            raise TransientSendError(f"{NAME} accepted the message without a message_id")
        bot = result.get("from")
        username = bot.get("username") if isinstance(bot, dict) else None
        return SendResult(
            provider_message_id=str(result["message_id"]),
            sender=f"@{username}" if username else "",
        )

    async def fetch_media(self, ref: str, *, max_bytes: int) -> FetchedMedia:
        """A file_id of an inbound message: getFile answers its `file_path`, whose bytes are at
        {api_base}/file/bot<token>/<file_path>."""
        require_settings(NAME, self.channel, {"bot_token": self.bot_token})
        found = await self._call("getFile", json={"file_id": ref})
        path = found.get("file_path")
        if not isinstance(path, str) or not _FILE_PATH.fullmatch(path) or ".." in path:
            raise PermanentSendError(f"{NAME} gave no usable file_path", code="no_file_path")
        url = f"{base_url(self.api_base)}/file/bot{self.bot_token}/{path}"
        data, content_type = await fetch(NAME, url, max_bytes=max_bytes)
        return FetchedMedia(data, content_type, path.rsplit("/", 1)[-1])


def from_setup(setup: ProviderSetup) -> TelegramProvider:
    settings = setup.settings
    if setup.from_environment:
        return TelegramProvider(
            bot_token=settings.telegram_bot_token, api_base=settings.telegram_api_base
        )
    return TelegramProvider(
        bot_token=setup.secret("bot_token"),
        api_base=setup.option("api_base", settings.telegram_api_base),
    )
