"""Notification templates: the built-in wording until an organization saves its own, which must
render against the sample data; previews; and who may see and change them."""

from __future__ import annotations

import httpx
import pytest

from maitred.kit.db import Database
from tests.factories import signed_in_as

TEMPLATES = "/api/v1/notifications/templates"
CONFIRMATION = f"{TEMPLATES}/booking_confirmation"
OWN_EMAIL = {
    "channel": "email",
    "subject": "See you on {{ event_date }}, {{ customer_name }}!",
    "body_text": "Hi {{ customer_name }},\n{{ guest_count }} guests, {{ event_time }}.",
    "body_html": "<p>Hi {{ customer_name }}</p>",
}


async def test_every_notification_is_listed_on_email_and_sms_with_its_built_in_wording(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")

    listed = await client.get(TEMPLATES, headers=admin.headers)
    detail = await client.get(CONFIRMATION, params={"channel": "SMS"}, headers=admin.headers)

    assert listed.status_code == 200
    names = {(t["name"], t["channel"]) for t in listed.json()["items"]}
    assert len(names) == 18
    assert ("booking_reminder", "sms") in names
    assert ("lead_auto_reply", "email") in names
    assert not any(t["customized"] for t in listed.json()["items"])
    body = detail.json()
    assert (body["channel"], body["customized"], body["subject"], body["body_html"]) == (
        "sms",
        False,
        "",
        None,
    )
    assert "{{ business_name }}" in body["body_text"]
    assert "customer_name" in body["variables"]
    assert body["sample_data"]["reference_number"] == "BK-2026-000123"


async def test_an_organizations_own_wording_replaces_the_built_in_until_deleted(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    other = await signed_in_as(client, database, "admin")

    saved = await client.put(CONFIRMATION, json=OWN_EMAIL, headers=admin.headers)
    listed = (await client.get(TEMPLATES, headers=admin.headers)).json()["items"]
    others = await client.get(CONFIRMATION, headers=other.headers)
    preview = await client.post(
        f"{CONFIRMATION}/preview", json={"data": {"customer_name": "Ann"}}, headers=admin.headers
    )
    deleted = await client.delete(CONFIRMATION, headers=admin.headers)
    after = await client.get(CONFIRMATION, headers=admin.headers)

    assert saved.status_code == 200, saved.text
    assert (saved.json()["customized"], saved.json()["subject"]) == (True, OWN_EMAIL["subject"])
    assert [(t["name"], t["channel"]) for t in listed if t["customized"]] == [
        ("booking_confirmation", "email")
    ]
    assert others.json()["customized"] is False
    assert preview.json() == {
        "subject": "See you on Saturday, March 14, 2026, Ann!",
        "body_text": "Hi Ann,\n25 guests, 6:00 PM.",
        "body_html": "<p>Hi Ann</p>",
    }
    assert deleted.status_code == 204
    assert after.json()["customized"] is False
    assert after.json()["subject"].startswith("{% if status")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"body_text": "Hi {{ customer_name }\n"}, "body_text", "Line 1: unexpected '}'"),
        (
            {"body_text": "Hi\n{{ custmer_name }}"},
            "body_text",
            "Line 2: 'custmer_name' is undefined; see the template's variables",
        ),
        (
            {"body_html": "<p>\n{% for x in guest_count %}{% endfor %}</p>"},
            "body_html",
            "Line 2: 'int' object is not iterable",
        ),
        ({"subject": " "}, "subject", "An email needs a subject"),
    ],
)
async def test_a_template_that_does_not_render_is_refused_with_its_line(
    client: httpx.AsyncClient, database: Database, change: dict[str, str], field: str, message: str
) -> None:
    admin = await signed_in_as(client, database, "admin")

    refused = await client.put(CONFIRMATION, json=OWN_EMAIL | change, headers=admin.headers)
    after = await client.get(CONFIRMATION, headers=admin.headers)

    assert refused.status_code == 422
    assert refused.json()["error"] == "validation_error"
    assert refused.json()["details"][field].startswith(message), refused.json()
    assert after.json()["customized"] is False


async def test_the_sandbox_keeps_a_template_away_from_python_internals(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    sneaky = "{{ customer_name.__class__.__mro__ }}"

    refused = await client.put(
        CONFIRMATION, json={"channel": "sms", "body_text": sneaky}, headers=admin.headers
    )

    assert refused.status_code == 422
    assert "unsafe" in refused.json()["details"]["body_text"]


async def test_sms_templates_have_only_a_text(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")

    refused = await client.put(
        f"{TEMPLATES}/booking_reminder",
        json={"channel": "sms", "subject": "Hi", "body_text": "x", "body_html": "<p>x</p>"},
        headers=admin.headers,
    )
    saved = await client.put(
        f"{TEMPLATES}/booking_reminder",
        json={"channel": "sms", "body_text": "{{ business_name }}: see you {{ starts_in }}!"},
        headers=admin.headers,
    )

    assert refused.status_code == 422
    assert set(refused.json()["details"]) == {"subject", "body_html"}
    assert saved.status_code == 200
    assert (saved.json()["channel"], saved.json()["subject"]) == ("sms", "")


async def test_a_preview_escapes_html_but_not_text_and_shows_drafts(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    data = {"customer_name": "<b>Bo</b> & Co"}

    built_in = await client.post(
        f"{CONFIRMATION}/preview", json={"data": data}, headers=admin.headers
    )
    draft = await client.post(
        f"{TEMPLATES}/lead_auto_reply/preview",
        json={"channel": "sms", "body_text": "Hello {{ customer_name }}", "data": data},
        headers=admin.headers,
    )
    broken = await client.post(
        f"{TEMPLATES}/lead_auto_reply/preview",
        json={"channel": "sms", "body_text": "{{ nope }}"},
        headers=admin.headers,
    )

    assert built_in.status_code == 200
    assert built_in.json()["body_text"].startswith("Hi <b>Bo</b> & Co,")
    assert built_in.json()["body_html"].startswith("<p>Hi &lt;b&gt;Bo&lt;/b&gt; &amp; Co,</p>")
    assert built_in.json()["subject"] == "Your booking is confirmed (BK-2026-000123)"
    assert draft.json() == {"subject": "", "body_text": "Hello <b>Bo</b> & Co", "body_html": None}
    assert broken.status_code == 422
    assert broken.json()["details"] == {
        "body_text": "Line 1: 'nope' is undefined; see the template's variables"
    }


async def test_unknown_names_and_channels(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, "admin")

    unknown = await client.get(f"{TEMPLATES}/birthday_card", headers=admin.headers)
    saved = await client.put(f"{TEMPLATES}/birthday_card", json=OWN_EMAIL, headers=admin.headers)
    channel = await client.get(CONFIRMATION, params={"channel": "fax"}, headers=admin.headers)

    assert (unknown.status_code, unknown.json()["error"]) == (404, "not_found")
    assert saved.status_code == 404
    assert channel.status_code == 422


async def test_who_may_read_and_change_templates(
    client: httpx.AsyncClient, database: Database
) -> None:
    viewer = await signed_in_as(client, database, "viewer")
    staff = await signed_in_as(client, database, "staff")
    customer = await signed_in_as(client, database, "customer")

    anonymous = await client.get(TEMPLATES)
    viewer_reads = await client.get(TEMPLATES, headers=viewer.headers)
    viewer_writes = await client.put(CONFIRMATION, json=OWN_EMAIL, headers=viewer.headers)
    viewer_deletes = await client.delete(CONFIRMATION, headers=viewer.headers)
    staff_writes = await client.put(CONFIRMATION, json=OWN_EMAIL, headers=staff.headers)
    customer_reads = await client.get(TEMPLATES, headers=customer.headers)

    assert anonymous.status_code == 401
    assert viewer_reads.status_code == 200
    assert (viewer_writes.status_code, viewer_deletes.status_code) == (403, 403)
    assert staff_writes.status_code == 200
    assert customer_reads.status_code == 403
