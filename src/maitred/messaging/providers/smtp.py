"""The `smtp` email provider: any SMTP server, with aiosmtplib.

The environment names the server as a URL: `smtp://user:pass@host:587` upgrades with STARTTLS
when the server offers it (`?security=starttls` requires it, `?security=none` never tries),
`smtps://…:465` speaks TLS from the first byte. An organization's own server is set by options
(host, port, username, security, from) and the `password` credential; its `security` defaults
to a required STARTTLS, since its password should never cross the network in the clear.

A reply code says what a failure is: 5xx (no such mailbox, relaying denied, bad credentials)
never works on retry, 4xx (greylisting, mailbox busy) and a dropped connection may.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from maitred.kit.clock import utcnow
from maitred.messaging.providers.base import (
    OutgoingMessage,
    PermanentSendError,
    SendError,
    SendResult,
    TransientSendError,
)
from maitred.messaging.providers.setup import ProviderFields, ProviderSetup, require_settings

NAME = "smtp"
SECURITY = ("auto", "starttls", "tls", "none")
HEADER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
# Headers the provider writes itself; `extra` cannot replace them.
OWN_HEADERS = frozenset(
    {"from", "to", "cc", "bcc", "subject", "date", "message-id", "mime-version"}
    | {"content-type", "content-transfer-encoding", "sender", "return-path"}
)


def _check_options(options: dict[str, Any]) -> dict[str, str]:
    problems: dict[str, str] = {}
    port = options.get("port")
    if port is not None and (
        isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536
    ):
        problems["options.port"] = "A port number from 1 to 65535"
    if options.get("security", "starttls") not in SECURITY[1:]:
        problems["options.security"] = "One of starttls, tls, none"
    sender = options.get("from")
    if sender is not None and "@" not in parseaddr(str(sender))[1]:
        problems["options.from"] = "An address such as 'Hibachi at Home <hi@example.com>'"
    return problems


FIELDS = ProviderFields(
    options=("host", "port", "username", "security", "from"),
    required_options=("host",),
    credentials=("password",),
    check=_check_options,
)


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str = ""
    password: str = ""
    security: str = "auto"  # one of SECURITY


def parse_smtp_url(url: str) -> SmtpServer:
    """The server of `MAITRED_SMTP_URL` (an empty host when unset)."""
    parts = urlsplit(url)
    implicit_tls = parts.scheme == "smtps"
    query = parse_qs(parts.query)
    security = query.get("security", ["tls" if implicit_tls else "auto"])[0]
    if parts.scheme not in ("smtp", "smtps", "") or security not in SECURITY:
        raise ValueError("MAITRED_SMTP_URL is smtp://user:pass@host:port or smtps://…")
    return SmtpServer(
        host=parts.hostname or "",
        port=parts.port or (465 if security == "tls" else 587),
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        security=security,
    )


def build_email(message: OutgoingMessage, from_address: str) -> EmailMessage:
    """The MIME message: text, an HTML alternative when there is one, a Message-ID made from
    the message id (so a resend after a crash is recognisable as the same message), the
    caller's extra headers (List-Unsubscribe, Reply-To), and its files as attachments (the
    whole becomes multipart/mixed, the text or its alternatives first)."""
    email = EmailMessage()
    email["From"] = from_address
    email["To"] = formataddr((message.to_name, message.to)) if message.to_name else message.to
    email["Subject"] = message.subject
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = f"<{message.id}@maitred>"
    for name, value in message.extra.items():
        if (
            isinstance(value, str)
            and HEADER_NAME.fullmatch(name)
            and name.lower() not in OWN_HEADERS
            and not ({"\r", "\n"} & set(value))
        ):
            email[name] = value
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    for media in message.media:
        maintype, _, subtype = media.content_type.partition(";")[0].strip().partition("/")
        email.add_attachment(
            media.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=media.name or "attachment",
        )
    return email


def _by_reply_code(code: int, text: str, stage: str) -> SendError:
    kind = PermanentSendError if code >= 500 else TransientSendError
    return kind(f"SMTP server refused {stage}: {code} {text}"[:500], code=str(code))


class SmtpProvider:
    name = NAME
    channel = "email"

    def __init__(
        self,
        *,
        server: SmtpServer,
        from_address: str,
        timeout: float,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.server = server
        self.from_address = from_address
        self.timeout = timeout
        self.tls_context = tls_context  # the system's trust store when None

    async def send(self, message: OutgoingMessage) -> SendResult:
        require_settings(NAME, self.channel, {"host": self.server.host})
        email = build_email(message, self.from_address)
        envelope_from = parseaddr(self.from_address)[1]
        security = self.server.security
        try:
            await aiosmtplib.send(
                email,
                sender=envelope_from,
                recipients=[message.to],
                hostname=self.server.host,
                port=self.server.port,
                username=self.server.username or None,
                password=self.server.password if self.server.username else None,
                timeout=self.timeout,
                use_tls=security == "tls",
                start_tls={"auto": None, "starttls": True}.get(security, False),
                tls_context=self.tls_context,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refused = exc.recipients[0]
            raise _by_reply_code(refused.code, refused.message, "the recipient") from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise _by_reply_code(exc.code, exc.message, _stage(exc)) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise TransientSendError(
                f"SMTP server {self.server.host}:{self.server.port} unusable: "
                f"{type(exc).__name__}: {exc}"[:500],
                code="smtp_unavailable",
            ) from exc
        return SendResult(provider_message_id=email["Message-ID"], sender=envelope_from)


def _stage(exc: aiosmtplib.SMTPResponseException) -> str:
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return "the login"
    if isinstance(exc, aiosmtplib.SMTPSenderRefused):
        return "the sender"
    if isinstance(exc, aiosmtplib.SMTPDataError):
        return "the message"
    return "the connection"


def from_setup(setup: ProviderSetup) -> SmtpProvider:
    settings = setup.settings
    if setup.from_environment:
        server = parse_smtp_url(settings.smtp_url)
        from_address = settings.email_from
    else:
        security = setup.option("security", "starttls")
        server = SmtpServer(
            host=setup.option("host"),
            port=int(setup.option("port") or (465 if security == "tls" else 587)),
            username=setup.option("username"),
            password=setup.secret("password"),
            security=security,
        )
        from_address = setup.option("from", settings.email_from)
    return SmtpProvider(
        server=server, from_address=from_address, timeout=settings.smtp_timeout_seconds
    )
