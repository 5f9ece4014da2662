"""What a verification sends, queued through messaging like every other message (the worker
sends it; the console provider records it). The link or code goes to the address being proven
and nowhere else: not into the answer, not into the log."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers.verification import Challenge
from maitred.kit import letters
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
            subject=f"Confirm your email address for {business}",
            body_text=(
                f"Someone, hopefully you, asked to confirm this address for an account with "
                f"{business}. To confirm it, open this link while signed in to that account:\n\n"
                f"{link}\n\nThe link works once, for 24 hours. If this was not you, ignore "
                "this message: nothing changes."
            ),
            template="verify_email",
        )
    else:
        outgoing = letters.Outgoing(
            channel="sms",
            to=challenge.address,
            body_text=(
                f"{business}: your verification code is {challenge.secret}. It expires in "
                "10 minutes. If you did not ask for it, ignore this message."
            ),
            template="verify_phone",
        )
    await letters.queue(session, organization_id, outgoing)
