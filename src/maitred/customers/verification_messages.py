"""What a verification sends, queued through messaging like every other message (the worker
sends it; the console provider records it). The link or code goes to the address being proven
and nowhere else: not into the answer, not into the log. It is written in the language of the
request that asked for it (kit/i18n.py)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers.verification import Challenge
from maitred.kit import i18n, letters
from maitred.tenancy import service as tenancy_service


async def send_challenge(
    session: AsyncSession, *, organization_id: uuid.UUID, challenge: Challenge, public_url: str
) -> None:
    organization = await tenancy_service.get(session, organization_id)
    business = organization.name if organization else "maitred"
    if challenge.channel == "email":
        link = f"{public_url.rstrip('/')}/verify-email?token={challenge.secret}"
        outgoing = letters.Outgoing(
            channel="email",
            to=challenge.address,
            subject=i18n.gettext("Confirm your email address for {business}", business=business),
            body_text=i18n.gettext(
                "Someone, hopefully you, asked to confirm this address for an account with "
                "{business}. To confirm it, open this link while signed in to that account:\n\n"
                "{link}\n\nThe link works once, for 24 hours. If this was not you, ignore "
                "this message: nothing changes.",
                business=business,
                link=link,
            ),
            template="verify_email",
        )
    else:
        outgoing = letters.Outgoing(
            channel="sms",
            to=challenge.address,
            body_text=i18n.gettext(
                "{business}: your verification code is {code}. It expires in "
                "10 minutes. If you did not ask for it, ignore this message.",
                business=business,
                code=challenge.secret,
            ),
            template="verify_phone",
        )
    await letters.queue(session, organization_id, outgoing)
