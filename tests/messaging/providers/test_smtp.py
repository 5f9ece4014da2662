"""The smtp provider against a real SMTP server (aiosmtpd) on 127.0.0.1: the MIME message that
arrives, STARTTLS with a login, implicit TLS, and what refusals become."""

from __future__ import annotations

from pathlib import Path

import pytest

from maitred.config import Settings
from maitred.messaging.providers import registry
from maitred.messaging.providers.base import Media, PermanentSendError, Provider, TransientSendError
from maitred.messaging.providers.smtp import SmtpServer, parse_smtp_url
from tests.messaging.providers.given import closed_port, outgoing
from tests.messaging.providers.smtp_server import (
    PASSWORD,
    USERNAME,
    self_signed_certificate,
    server_tls,
    smtp_server,
)

CONFIRMATION = {
    "subject": "Your hibachi dinner is confirmed",
    "body_text": "See you Saturday at 7:00 PM.",
    "body_html": "<p>See you <b>Saturday</b> at 7:00 PM.</p>",
    "to_name": "Pat Example",
}


def environment_smtp(settings: Settings, url: str) -> Provider:
    environment = settings.model_copy(
        update={"smtp_url": url, "email_from": "Hibachi at Home <no-reply@hibachi.example>"}
    )
    assert registry.environment_default("email", environment) == "smtp"
    return registry.build(
        "smtp", registry.ProviderSetup("email", environment, from_environment=True)
    )


def organization_smtp(
    settings: Settings, port: int, password: str = PASSWORD, **options: object
) -> Provider:
    return registry.build(
        "smtp",
        registry.ProviderSetup(
            "email",
            settings,
            credentials={"password": password},
            options={
                "host": "127.0.0.1",
                "port": port,
                "username": USERNAME,
                "from": f"Hibachi at Home <{USERNAME}>",
            }
            | options,
        ),
    )


@pytest.fixture
def trusted_certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that the system trust store (SSL_CERT_FILE) accepts."""
    cert_file, key_file = self_signed_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    return cert_file, key_file


async def test_the_message_arrives_as_text_with_an_html_alternative(settings: Settings) -> None:
    async with smtp_server() as (port, mailbox):
        message = outgoing(
            "email",
            "pat@customer.example",
            extra={
                "List-Unsubscribe": "<https://hibachi.example/unsubscribe/abc>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "From": "someone-else@evil.example",
                "X-Injected": "value\r\nBcc: victim@evil.example",
                "thread": {"not": "a header"},
            },
            **CONFIRMATION,
        )
        result = await environment_smtp(settings, f"smtp://127.0.0.1:{port}").send(message)

    (arrived,) = mailbox.arrived
    assert (arrived.mail_from, arrived.rcpt_tos) == (
        "no-reply@hibachi.example",
        ["pat@customer.example"],
    )
    assert (arrived.over_tls, arrived.login) == (False, None)
    email = arrived.message
    assert email["From"] == "Hibachi at Home <no-reply@hibachi.example>"
    assert email["To"] == "Pat Example <pat@customer.example>"
    assert email["Subject"] == "Your hibachi dinner is confirmed"
    assert email["Message-ID"] == f"<{message.id}@maitred>"
    assert email["List-Unsubscribe"] == "<https://hibachi.example/unsubscribe/abc>"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email["X-Injected"] is None
    assert email["Bcc"] is None
    assert email.get_all("From") == ["Hibachi at Home <no-reply@hibachi.example>"]
    assert email.get_content_type() == "multipart/alternative"
    text, html = email.iter_parts()
    assert (text.get_content_type(), text.get_content()) == (
        "text/plain",
        "See you Saturday at 7:00 PM.\n",
    )
    assert (html.get_content_type(), html.get_content()) == (
        "text/html",
        "<p>See you <b>Saturday</b> at 7:00 PM.</p>\n",
    )
    assert (result.provider_message_id, result.sender) == (
        f"<{message.id}@maitred>",
        "no-reply@hibachi.example",
    )


async def test_a_text_only_message_is_a_single_part(settings: Settings) -> None:
    async with smtp_server() as (port, mailbox):
        await environment_smtp(settings, f"smtp://127.0.0.1:{port}").send(
            outgoing("email", "pat@customer.example", subject="Reminder", body_text="Tomorrow!")
        )

    (arrived,) = mailbox.arrived
    assert arrived.message.get_content_type() == "text/plain"
    assert arrived.message.get_content() == "Tomorrow!\n"
    assert arrived.message["To"] == "pat@customer.example"


async def test_files_arrive_as_attachments_after_the_text_and_its_alternative(
    settings: Settings,
) -> None:
    table = b"Period,Bookings\n2026-03-01,5\n"
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
    files = (
        Media(url="", content_type="text/csv; charset=utf-8", name="march.csv", data=table),
        Media(url="", content_type="application/pdf", name="march.pdf", data=pdf),
    )
    async with smtp_server() as (port, mailbox):
        await environment_smtp(settings, f"smtp://127.0.0.1:{port}").send(
            outgoing("email", "owner@hibachi.example", media=files, **CONFIRMATION)
        )

    (arrived,) = mailbox.arrived
    email = arrived.message
    assert email.get_content_type() == "multipart/mixed"
    body, *attached = email.iter_parts()
    assert body.get_content_type() == "multipart/alternative"
    assert [(a.get_filename(), a.get_content_type()) for a in attached] == [
        ("march.csv", "text/csv"),
        ("march.pdf", "application/pdf"),
    ]
    assert [a.get_payload(decode=True) for a in attached] == [table, pdf]
    text = email.get_body(preferencelist=("plain",))
    assert text is not None
    assert text.get_content() == "See you Saturday at 7:00 PM.\n"


async def test_an_organizations_server_is_used_over_starttls_with_its_login(
    settings: Settings, trusted_certificate: tuple[Path, Path]
) -> None:
    tls = server_tls(*trusted_certificate)
    async with smtp_server(starttls=tls, require_starttls=True, login=True) as (port, mailbox):
        await organization_smtp(settings, port, security="starttls").send(
            outgoing("email", "pat@customer.example", **CONFIRMATION)
        )

    (arrived,) = mailbox.arrived
    assert (arrived.over_tls, arrived.login, arrived.mail_from) == (True, USERNAME, USERNAME)
    assert arrived.message["From"] == f"Hibachi at Home <{USERNAME}>"


async def test_starttls_is_used_when_offered_without_being_required(
    settings: Settings, trusted_certificate: tuple[Path, Path]
) -> None:
    tls = server_tls(*trusted_certificate)
    async with smtp_server(starttls=tls, login=True) as (port, mailbox):
        url = f"smtp://{USERNAME.replace('@', '%40')}:{PASSWORD}@127.0.0.1:{port}"
        await environment_smtp(settings, url).send(outgoing("email", "pat@customer.example"))

    (arrived,) = mailbox.arrived
    assert (arrived.over_tls, arrived.login) == (True, USERNAME)


async def test_implicit_tls_from_an_smtps_url(
    settings: Settings, trusted_certificate: tuple[Path, Path]
) -> None:
    tls = server_tls(*trusted_certificate)
    async with smtp_server(implicit_tls=tls, login=True) as (port, mailbox):
        url = f"smtps://{USERNAME.replace('@', '%40')}:{PASSWORD}@127.0.0.1:{port}"
        await environment_smtp(settings, url).send(outgoing("email", "pat@customer.example"))

    (arrived,) = mailbox.arrived
    assert (arrived.over_tls, arrived.login) == (True, USERNAME)


async def test_a_required_starttls_the_server_lacks_sends_nothing(settings: Settings) -> None:
    async with smtp_server() as (port, mailbox):
        with pytest.raises(TransientSendError) as caught:
            await organization_smtp(settings, port, security="starttls").send(
                outgoing("email", "pat@customer.example")
            )

    assert mailbox.arrived == []
    assert "STARTTLS extension not supported" in str(caught.value)


async def test_a_wrong_password_fails_for_good(
    settings: Settings, trusted_certificate: tuple[Path, Path]
) -> None:
    tls = server_tls(*trusted_certificate)
    async with smtp_server(starttls=tls, login=True) as (port, mailbox):
        with pytest.raises(PermanentSendError) as caught:
            await organization_smtp(settings, port, password="wrong").send(
                outgoing("email", "pat@customer.example")
            )

    assert mailbox.arrived == []
    assert caught.value.code == "535"
    assert str(caught.value).startswith("SMTP server refused the login: 535 ")


async def test_a_rejected_recipient_fails_for_good(settings: Settings) -> None:
    async with smtp_server() as (port, mailbox):
        with pytest.raises(PermanentSendError) as caught:
            await environment_smtp(settings, f"smtp://127.0.0.1:{port}").send(
                outgoing("email", "nobody@hibachi.example")
            )

    assert mailbox.arrived == []
    assert caught.value.code == "550"
    assert str(caught.value) == (
        "SMTP server refused the recipient: 550 5.1.1 <nobody@hibachi.example>: "
        "Recipient address rejected"
    )


async def test_a_greylisted_recipient_is_retried(settings: Settings) -> None:
    async with smtp_server() as (port, _):
        with pytest.raises(TransientSendError) as caught:
            await environment_smtp(settings, f"smtp://127.0.0.1:{port}").send(
                outgoing("email", "busy@hibachi.example")
            )

    assert caught.value.code == "451"


async def test_a_closed_port_is_retried(settings: Settings) -> None:
    port = closed_port()

    with pytest.raises(TransientSendError) as caught:
        await environment_smtp(settings, f"smtp://127.0.0.1:{port}").send(
            outgoing("email", "pat@customer.example")
        )

    assert caught.value.code == "smtp_unavailable"
    assert str(caught.value).startswith(f"SMTP server 127.0.0.1:{port} unusable: SMTPConnectError")


async def test_without_a_server_nothing_is_sent(settings: Settings) -> None:
    provider = registry.build(
        "smtp", registry.ProviderSetup("email", settings, from_environment=True)
    )

    with pytest.raises(PermanentSendError) as caught:
        await provider.send(outgoing("email", "pat@customer.example"))

    assert caught.value.code == "not_configured"
    assert "missing host" in str(caught.value)


@pytest.mark.parametrize(
    ("url", "server"),
    [
        ("smtp://mail.example:2525", SmtpServer("mail.example", 2525, security="auto")),
        (
            "smtp://me%40example.com:p%2Fss@mail.example?security=starttls",
            SmtpServer("mail.example", 587, "me@example.com", "p/ss", "starttls"),
        ),
        ("smtps://u:p@mail.example", SmtpServer("mail.example", 465, "u", "p", "tls")),
        ("", SmtpServer("", 587)),
    ],
)
def test_smtp_urls(url: str, server: SmtpServer) -> None:
    assert parse_smtp_url(url) == server


def test_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="MAITRED_SMTP_URL"):
        parse_smtp_url("http://mail.example")
