"""The tools around people: leaving a lead, proving who one is (a one-time code to the contact
on file), updating one's own contact details, the deposit link, and asking for a person."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai.repository import Threads
from maitred.ai.tools.access import booking_uuid, brief, own_booking
from maitred.ai.tools.registry import Tool, ToolContext, ToolDenied, tool
from maitred.ai.tools.schemas import CodeArgs, ContactArgs, DepositLinkArgs, HandOffArgs, VerifyArgs
from maitred.bookings import service as bookings_service
from maitred.customers import service as customers_service
from maitred.kit.clock import utcnow
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.leads import service as leads_service
from maitred.leads.schemas import PublicLeadCreate
from maitred.messaging import service as messaging_service
from maitred.payments import service as payments_service

CODE_LIFETIME = timedelta(minutes=10)
CODE_TRIES = 5
SENT = (
    "If that booking is on file, a 6-digit code is on its way to the phone or email it was "
    "booked with. Tell me the code to continue."
)


async def _lead(
    session: AsyncSession, context: ToolContext, args: PublicLeadCreate
) -> dict[str, Any]:
    answer = await leads_service.submit_public_lead(
        session,
        organization_id=context.organization_id,
        name=args.name,
        phone=args.phone,
        email=args.email,
        message=args.message,
        source=f"ai_{context.channel}",
        metadata={"thread_id": str(context.thread_id)},
        honeypot=None,
        ip="",
        user_agent="maitred-assistant",
    )
    return {"lead_id": str(answer["lead_id"]), "message": answer["message"]}


capture_lead = tool(
    Tool(
        name="capture_lead",
        description="Leave the visitor's name, phone (and email) so the team follows up",
        arguments=PublicLeadCreate,
        run=_lead,
    )
)


def _code_hash(context: ToolContext, code: str) -> str:
    return hashlib.sha256(f"{context.thread_id}:{code.strip()}".encode()).hexdigest()


async def _ask_code(
    session: AsyncSession, context: ToolContext, args: VerifyArgs
) -> dict[str, Any]:
    """The same answer whether or not the booking exists: no reference can be probed."""
    thread = await Threads(session, context.organization_id).get_or_404(context.thread_id)
    viewer = bookings_service.Viewer(context.organization_id, None, is_customer=False)
    try:
        booking_id = await bookings_service.booking_id_of(session, viewer, args.reference_number)
        booking = await bookings_service.get_booking(session, viewer, booking_id)
    except (NotFound, ValidationFailed):
        return {"message": SENT}
    customer = await customers_service.brief(
        session, organization_id=context.organization_id, customer_id=booking["customer_id"]
    )
    channel, address = ("sms", customer.phone) if customer.phone else ("email", customer.email)
    if not address:
        return {"message": SENT}
    code = f"{secrets.randbelow(1_000_000):06d}"
    state = dict(thread.state or {})
    state["proof"] = {
        "customer_id": str(customer.id),
        "hash": _code_hash(context, code),
        "expires_at": (utcnow() + CODE_LIFETIME).isoformat(),
        "tries": 0,
    }
    thread.state = state
    await messaging_service.queue_message(
        session,
        context.organization_id,
        messaging_service.Outgoing(
            channel=channel,
            to=address,
            subject="Your code",
            body_text=f"Your code is {code}. It expires in 10 minutes.",
            customer_id=customer.id,
            meta=messaging_service.secret_meta(readable_in_history=False),
        ),
    )
    return {"message": SENT}


request_code = tool(
    Tool(
        name="request_code",
        description="Send a one-time code to the contact on file of a booking, to prove "
        "the caller is its customer",
        arguments=VerifyArgs,
        run=_ask_code,
    )
)


async def _check_code(
    session: AsyncSession, context: ToolContext, args: CodeArgs
) -> dict[str, Any]:
    thread = await Threads(session, context.organization_id).get_or_404(context.thread_id)
    state = dict(thread.state or {})
    proof = dict(state.get("proof") or {})
    if not proof or proof.get("tries", 0) >= CODE_TRIES:
        raise ToolDenied("That code is not valid; ask for a new one")
    if datetime.fromisoformat(proof["expires_at"]) <= utcnow():
        raise ToolDenied("That code has expired; ask for a new one")
    if not hmac.compare_digest(proof["hash"], _code_hash(context, args.code)):
        # Answered, not raised: a raise would roll the count of tries back with the savepoint.
        proof["tries"] = int(proof.get("tries", 0)) + 1
        state["proof"] = proof
        thread.state = state
        await session.flush()
        return {"verified": False, "message": "That code is not valid"}
    state.pop("proof", None)
    thread.state = state
    thread.verified_customer_id = uuid.UUID(proof["customer_id"])
    await session.flush()
    return {"verified": True}


verify_code = tool(
    Tool(
        name="verify_code",
        description="Check the one-time code the caller received",
        arguments=CodeArgs,
        run=_check_code,
    )
)


def _verified(context: ToolContext) -> bool:
    return context.is_staff or context.is_customer or context.verified_customer_id is not None


async def _update_contact(
    session: AsyncSession, context: ToolContext, args: ContactArgs
) -> dict[str, Any]:
    """Only the proven customer's own record; staff edit customers in the CRM instead."""
    customer_id = context.verified_customer_id
    if context.is_customer:
        own = (
            await customers_service.for_user(
                session, organization_id=context.organization_id, user_id=context.auth.user_id
            )
            if context.auth.user_id
            else None
        )
        customer_id = own.id if own else None
    if customer_id is None:
        raise ToolDenied("I first need to know who you are")
    changes = args.model_dump(exclude_unset=True, exclude_none=True)
    await customers_service.update_customer(
        session, organization_id=context.organization_id, customer_id=customer_id, changes=changes
    )
    return {"updated": sorted(changes)}


async def _contact_preview(session: AsyncSession, context: ToolContext, args: ContactArgs) -> str:
    if not (context.is_customer or context.verified_customer_id):
        raise ToolDenied("I first need to know who you are")
    changed = ", ".join(sorted(args.model_dump(exclude_unset=True, exclude_none=True)))
    return f"Update your {changed or 'details'}"


update_contact = tool(
    Tool(
        name="update_contact",
        description="Change the caller's own name, email or phone on file",
        arguments=ContactArgs,
        run=_update_contact,
        commits=True,
        preview=_contact_preview,
        allowed=lambda context: not context.is_staff,
    )
)


async def _deposit_link(
    session: AsyncSession, context: ToolContext, args: DepositLinkArgs
) -> dict[str, Any]:
    booking = await own_booking(session, context, args.booking)
    return brief(booking) | {
        "deposit_link": payments_service.deposit_link(
            context.organization_id, booking_uuid(booking)
        )
    }


async def _deposit_preview(
    session: AsyncSession, context: ToolContext, args: DepositLinkArgs
) -> str:
    booking = await own_booking(session, context, args.booking)
    return f"Send the deposit link of {booking['reference_number']} ({booking['deposit_amount']})"


send_deposit_link = tool(
    Tool(
        name="send_deposit_link",
        description="The link to pay the deposit of one of the caller's bookings",
        arguments=DepositLinkArgs,
        run=_deposit_link,
        commits=True,
        preview=_deposit_preview,
    )
)


async def _hand_off(
    session: AsyncSession, context: ToolContext, args: HandOffArgs
) -> dict[str, Any]:
    """The thread itself is handed over by the concierge service, which reads this outcome."""
    return {"handoff": True, "reason": args.reason}


hand_off = tool(
    Tool(
        name="hand_off",
        description="Pass the conversation to a person on the team",
        arguments=HandOffArgs,
        run=_hand_off,
    )
)
