"""The booking tools: availability, quotes, requesting a booking, and finding, moving,
cancelling or growing one's own booking. Each calls the bookings, availability and pricing
services; the committing ones run only on `confirm`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai.tools.access import (
    acting_viewer,
    booking_uuid,
    brief,
    may_touch_bookings,
    own_booking,
    reading_viewer,
)
from maitred.ai.tools.registry import Tool, ToolContext, ToolDenied, tool
from maitred.ai.tools.schemas import (
    AddGuestsArgs,
    AvailabilityArgs,
    CancelArgs,
    FindBookingArgs,
    RescheduleArgs,
)
from maitred.availability import service as availability_service
from maitred.bookings import service as bookings_service
from maitred.bookings.schemas import BookingUpdate, PublicBookingRequest
from maitred.kit.errors import NotFound
from maitred.payments import service as payments_service
from maitred.pricing import service as pricing_service
from maitred.pricing.schemas import QuoteRequest
from maitred.tenancy import service as tenancy_service


async def _availability(
    session: AsyncSession, context: ToolContext, args: AvailabilityArgs
) -> dict[str, Any]:
    answer = await availability_service.availability_in(
        session,
        organization_id=context.organization_id,
        day=args.date,
        guest_count=args.guest_count,
        location=args.location,
    )
    if answer is None:
        raise NotFound("No such organization")
    return {
        "date": str(answer.get("date") or args.date or ""),
        "available": answer.get("available"),
        "available_slots": answer.get("available_slots", []),
        "reason": answer.get("reason"),
        "alternative_dates": [
            {"date": str(a["date"]), "available_slots": a["available_slots"]}
            for a in answer.get("alternative_dates", [])
        ],
        "price_estimate": answer.get("price_estimate"),
    }


check_availability = tool(
    Tool(
        name="check_availability",
        description="Free start times on a date (and nearby alternatives), with a price estimate",
        arguments=AvailabilityArgs,
        run=_availability,
        reads_only=True,
    )
)


async def _quote(session: AsyncSession, context: ToolContext, args: QuoteRequest) -> dict[str, Any]:
    priced = await pricing_service.quote_request(
        session, organization_id=context.organization_id, body=args
    )
    keep = ("currency", "lines", "subtotal", "service_fee", "travel_fee", "tax", "total_amount")
    return {k: priced[k] for k in keep} | {
        "deposit_amount": priced["deposit_amount"],
        "guest_count": priced["guest_count"],
        "minimum_applied": priced["minimum_applied"],
    }


quote = tool(
    Tool(
        name="quote",
        description="Price a party under the business's pricing (nothing is booked)",
        arguments=QuoteRequest,
        run=_quote,
        reads_only=True,
    )
)


async def _find(
    session: AsyncSession, context: ToolContext, args: FindBookingArgs
) -> dict[str, Any]:
    if args.reference_number:
        return {"bookings": [brief(await own_booking(session, context, args.reference_number))]}
    if not may_touch_bookings(context):
        raise ToolDenied("To look up your bookings I first need to know who you are.")
    found = [
        brief(await own_booking(session, context, str(booking_id)))
        for booking_id in sorted(context.own_booking_ids)
    ]
    customer_id = None if context.is_staff else context.verified_customer_id
    if customer_id is not None or context.is_customer:
        for booking in await bookings_service.bookings_of_customer(
            session, reading_viewer(context), customer_id=customer_id
        ):
            if all(b["booking_id"] != str(booking["id"]) for b in found):
                found.append(brief(booking))
    return {"bookings": found}


find_my_booking = tool(
    Tool(
        name="find_my_booking",
        description="The caller's own bookings (or one by its reference number)",
        arguments=FindBookingArgs,
        run=_find,
        reads_only=True,
    )
)


async def _booking_preview(
    session: AsyncSession, context: ToolContext, args: PublicBookingRequest
) -> str:
    estimate = ""
    if args.guest_count and 1 <= args.guest_count <= 500:
        priced = await pricing_service.quote_request(
            session,
            organization_id=context.organization_id,
            body=QuoteRequest(guest_count=args.guest_count, location=args.location),
        )
        estimate = (
            f", estimated {priced['currency']} {priced['total_amount']:.2f}"
            f" (deposit {priced['deposit_amount']:.2f})"
        )
    when = f"{args.event_date} at {args.event_time}" if args.event_time else f"{args.event_date}"
    return (
        f"Request a booking for {args.guest_count} guests on {when} in {args.location}"
        f" ({args.event_type or 'other'}) for {args.name}{estimate}"
    )


async def _create(
    session: AsyncSession, context: ToolContext, args: PublicBookingRequest
) -> dict[str, Any]:
    organization = await tenancy_service.get(session, context.organization_id)
    if organization is None:
        raise NotFound("No such organization")
    form = args.model_copy(update={"source": f"ai_{context.channel}", "honeypot": None})
    created = await bookings_service.request_booking(session, organization, form)
    return {
        "booking_id": str(created["booking_id"]),
        "reference_number": created["reference_number"],
        "status": created["status"],
        "currency": created["currency"],
        "total_amount": float(created["estimated_cost"]),
        "deposit_amount": float(created["deposit_amount"]),
        "deposit_link": payments_service.deposit_link(
            context.organization_id, created["booking_id"]
        ),
    }


create_booking = tool(
    Tool(
        name="create_booking",
        description="Request a booking (pending until the business confirms it and the "
        "deposit is paid); needs name, phone, date, time, guests and location",
        arguments=PublicBookingRequest,
        run=_create,
        commits=True,
        preview=_booking_preview,
    )
)


async def _change(
    session: AsyncSession, context: ToolContext, ref: str, form: BookingUpdate
) -> dict[str, Any]:
    booking = await own_booking(session, context, ref)
    changed = await bookings_service.update_booking(
        session, acting_viewer(context), booking_uuid(booking), form
    )
    return brief(changed)


async def _reschedule(
    session: AsyncSession, context: ToolContext, args: RescheduleArgs
) -> dict[str, Any]:
    form = BookingUpdate(event_date=args.event_date)
    if args.event_time is not None:
        form = BookingUpdate(event_date=args.event_date, event_time=args.event_time)
    return await _change(session, context, args.booking, form)


async def _reschedule_preview(
    session: AsyncSession, context: ToolContext, args: RescheduleArgs
) -> str:
    booking = await own_booking(session, context, args.booking)
    at = f" at {args.event_time:%H:%M}" if args.event_time else ""
    return (
        f"Move {booking['reference_number']} from {booking['event_date']} to {args.event_date}{at}"
    )


reschedule_booking = tool(
    Tool(
        name="reschedule_booking",
        description="Move one of the caller's bookings to another date and time",
        arguments=RescheduleArgs,
        run=_reschedule,
        commits=True,
        preview=_reschedule_preview,
    )
)


async def _cancel(session: AsyncSession, context: ToolContext, args: CancelArgs) -> dict[str, Any]:
    booking = await own_booking(session, context, args.booking)
    viewer = (
        bookings_service.viewer_of(context.auth) if context.is_customer else acting_viewer(context)
    )
    cancelled = await bookings_service.cancel_booking(
        session,
        viewer,
        booking_uuid(booking),
        reason=args.reason or "Cancelled through the assistant",
    )
    return brief(cancelled)


async def _cancel_preview(session: AsyncSession, context: ToolContext, args: CancelArgs) -> str:
    booking = await own_booking(session, context, args.booking)
    return f"Cancel {booking['reference_number']} on {booking['event_date']}"


cancel_booking = tool(
    Tool(
        name="cancel_booking",
        description="Cancel one of the caller's bookings (the cancellation policy applies)",
        arguments=CancelArgs,
        run=_cancel,
        commits=True,
        preview=_cancel_preview,
    )
)


async def _add_guests(
    session: AsyncSession, context: ToolContext, args: AddGuestsArgs
) -> dict[str, Any]:
    return await _change(
        session, context, args.booking, BookingUpdate(guest_count=args.guest_count)
    )


async def _add_guests_preview(
    session: AsyncSession, context: ToolContext, args: AddGuestsArgs
) -> str:
    booking = await own_booking(session, context, args.booking)
    return (
        f"Change {booking['reference_number']} from {booking['guest_count']} to "
        f"{args.guest_count} guests (repriced)"
    )


add_guests = tool(
    Tool(
        name="add_guests",
        description="Change the number of guests of one of the caller's bookings",
        arguments=AddGuestsArgs,
        run=_add_guests,
        commits=True,
        preview=_add_guests_preview,
    )
)
