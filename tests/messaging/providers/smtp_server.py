"""A real SMTP server for the smtp provider's tests: aiosmtpd on 127.0.0.1, in the test's own
event loop, with an optional self-signed certificate for STARTTLS or implicit TLS and an
optional login. It keeps what arrived and refuses recipients the way a mail server does."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USERNAME, PASSWORD = "bookings@hibachi.example", "app-password-4821"
# Recipients refused at RCPT, with the reply a real server gives.
REFUSALS = {
    "nobody@hibachi.example": "550 5.1.1 <nobody@hibachi.example>: Recipient address rejected",
    "busy@hibachi.example": "451 4.7.1 Greylisted, please try again later",
}


@dataclass(frozen=True)
class Arrived:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    over_tls: bool
    login: str | None


@dataclass
class Mailbox:
    """The server's side of the conversation."""

    arrived: list[Arrived] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in REFUSALS:
            return REFUSALS[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        message = message_from_bytes(
            envelope.content.replace(b"\r\n", b"\n"), policy=policy.default
        )
        assert isinstance(message, EmailMessage)
        credentials = session.auth_data
        login = credentials.login.decode() if isinstance(credentials, LoginPassword) else None
        assert server.transport is not None
        self.arrived.append(
            Arrived(
                mail_from=str(envelope.mail_from),
                rcpt_tos=list(envelope.rcpt_tos),
                message=message,
                over_tls=server.transport.get_extra_info("ssl_object") is not None,
                login=login,
            )
        )
        return "250 2.0.0 Ok: queued as 4F2D1C"


def check_login(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode(),
        auth_data.password.decode(),
    ) == (USERNAME, PASSWORD)
    # handled=False: aiosmtpd answers a failure with its own 535.
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (its own CA) and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def server_tls(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


@asynccontextmanager
async def smtp_server(
    *,
    starttls: ssl.SSLContext | None = None,
    implicit_tls: ssl.SSLContext | None = None,
    login: bool = False,
    require_starttls: bool = False,
    mailbox: Mailbox | None = None,
) -> AsyncIterator[tuple[int, Mailbox]]:
    """(port, mailbox) of a running server, closed on exit."""
    mailbox = mailbox or Mailbox()

    def protocol() -> SMTP:
        with warnings.catch_warnings():
            # Over implicit TLS aiosmtpd does not know the line is encrypted, and warns.
            warnings.simplefilter("ignore", UserWarning)
            return SMTP(
                mailbox,
                hostname="mx.hibachi.example",
                tls_context=starttls,
                require_starttls=require_starttls,
                authenticator=check_login if login else None,
                auth_required=login,
                auth_require_tls=implicit_tls is None,
            )

    server = await asyncio.get_running_loop().create_server(
        protocol, "127.0.0.1", 0, ssl=implicit_tls
    )
    try:
        yield server.sockets[0].getsockname()[1], mailbox
    finally:
        server.close()
        await server.wait_closed()
