"""The rules of bookings, by operation; other domains call `create_booking`,
`record_past_booking` (events already over) and, for payments, the functions of money.py.
Importing this package registers the booking figures customers show."""

from maitred.bookings.service.access import NewCustomer, Viewer, booking_customer, viewer_of
from maitred.bookings.service.cancelled_events import cancel_event_seats
from maitred.bookings.service.change import (
    cancel_booking,
    transition,
    update_booking,
)
from maitred.bookings.service.create import create_booking, create_from_form
from maitred.bookings.service.crm_records import track_created_in_crm
from maitred.bookings.service.detail import (
    booking_detail,
    booking_id_of,
    booking_in_session,
    bookings_in_session,
)
from maitred.bookings.service.listing import SORTS, list_bookings
from maitred.bookings.service.money import (
    BookingMoney,
    Outstanding,
    confirm_paid,
    money_of,
    organization_of_booking,
    outstanding,
    set_paid,
)
from maitred.bookings.service.past import record_past_booking
from maitred.bookings.service.public import request_booking
from maitred.bookings.service.read import booking_stats, bookings_of_customer, get_booking
from maitred.bookings.service.requote import requote
from maitred.bookings.service.seats import create_seat_booking, has_active_seat
from maitred.customers import stats as customer_stats

customer_stats.provide(booking_stats)

__all__ = [
    "booking_detail",
    "booking_in_session",
    "bookings_in_session",
    "SORTS",
    "booking_id_of",
    "bookings_of_customer",
    "BookingMoney",
    "Outstanding",
    "confirm_paid",
    "money_of",
    "organization_of_booking",
    "outstanding",
    "set_paid",
    "NewCustomer",
    "Viewer",
    "booking_customer",
    "booking_stats",
    "cancel_booking",
    "cancel_event_seats",
    "create_booking",
    "create_from_form",
    "create_seat_booking",
    "get_booking",
    "has_active_seat",
    "list_bookings",
    "record_past_booking",
    "request_booking",
    "requote",
    "track_created_in_crm",
    "transition",
    "update_booking",
    "viewer_of",
]
