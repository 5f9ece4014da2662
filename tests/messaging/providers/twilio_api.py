"""Plays Twilio's Messages API (POST /2010-04-01/Accounts/{sid}/Messages.json) as documented:
basic auth, form fields, 201 with the message resource, errors as {code, message, more_info,
status}. Used by the provider tests and the worker's end-to-end test."""

from __future__ import annotations

import itertools
import re

from tests.messaging.providers.given import basic_auth
from tests.messaging.providers.standin import Answer, Recorded

ACCOUNT_SID = "AC8f2a6d1c0b9e4f7a3d5c2b1e0f9a8d7c"
AUTH_TOKEN = "4c1f9e2d8b7a6c5d4e3f2a1b0c9d8e7f"
FROM_NUMBER = "+14155550000"
INVALID_NUMBER = "+14155550199"  # answered with error 21211 like a number that cannot exist
_sids = itertools.count(1)


def error(status: int, code: int, message: str) -> Answer:
    return Answer(
        status,
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
    )


def play(request: Recorded) -> Answer:
    match = re.fullmatch(r"/2010-04-01/Accounts/(\w+)/Messages\.json", request.path)
    if request.method != "POST" or match is None:
        return error(404, 20404, f"The requested resource {request.path} was not found")
    if request.headers.get("authorization") != basic_auth(match[1], AUTH_TOKEN):
        return error(401, 20003, "Authenticate")
    form = request.form()
    if form.get("To") == INVALID_NUMBER:
        return error(400, 21211, f"The 'To' number {form['To']} is not a valid phone number.")
    if not form.get("Body"):
        return error(400, 21602, "Message body is required.")
    sid = f"SM{next(_sids):032x}"
    return Answer(
        201,
        {
            "sid": sid,
            "account_sid": match[1],
            "from": form["From"],
            "to": form["To"],
            "body": form["Body"],
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "uri": f"/2010-04-01/Accounts/{match[1]}/Messages/{sid}.json",
        },
    )
