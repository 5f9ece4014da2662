"""The CRM workflow (seed 002's CRM service, built in)."""

from maitred.crm.dashboard import facilitator_bookings, facilitator_dashboard
from maitred.crm.listing import SORT_FIELDS, list_records
from maitred.crm.notify import receive
from maitred.crm.service_health import figures
from maitred.crm.tracking import (
    TrackedBooking,
    booking_status_changed,
    track_booking,
    tracked_among,
)
from maitred.crm.workflow import WORKFLOW, allowed_next, change_status, get_record

__all__ = [
    "SORT_FIELDS",
    "WORKFLOW",
    "TrackedBooking",
    "allowed_next",
    "booking_status_changed",
    "change_status",
    "facilitator_bookings",
    "facilitator_dashboard",
    "figures",
    "get_record",
    "list_records",
    "receive",
    "track_booking",
    "tracked_among",
]
