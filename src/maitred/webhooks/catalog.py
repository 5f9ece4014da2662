"""The domain events a subscription may ask for: the ones meant for the outside world.

Internal bookkeeping events (capacity.released, seat.released, message.queued) are left out on
purpose: their payloads are implementation details, not a contract. Events of domains still to
come (payments, inbound messages) are listed so that subscriptions can name them already.
"""

ALL_EVENTS = "*"
TEST_EVENT = "webhook.test"

KNOWN_EVENTS: tuple[str, ...] = (
    "booking.created",
    "booking.status_changed",
    "booking.rescheduled",
    "booking.updated",
    "customer.created",
    "customer.merged",
    "lead.created",
    "event.cancelled",
    "waitlist.offered",
    "waitlist.converted",
    "message.received",
    "message.sent",
    "message.failed",
    "payment.completed",
    "payment.failed",
    "payment.refunded",
)


def wants(events: list[str], event_name: str) -> bool:
    """Whether a subscription to `events` receives `event_name` (test pings go to one only)."""
    return event_name in events or (ALL_EVENTS in events and event_name in KNOWN_EVENTS)
