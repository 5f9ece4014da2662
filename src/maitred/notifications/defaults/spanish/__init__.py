"""Built-in Spanish wording of every notification: the same facts and conditions as the English
defaults (booking.py, changes.py, outreach.py, payments.py), written for a customer who reads
Spanish. Dates and times arrive already formatted in Spanish (notifications/facts.py); the
machine values the English wording shows as they are (a status, a payment method) are worded
here.

One module a family of notices, as the English defaults are."""

from maitred.notifications.defaults.spanish.booking import (
    BOOKING_CONFIRMATION,
    BOOKING_REMINDER,
    DEPOSIT_REQUEST,
)
from maitred.notifications.defaults.spanish.changes import BOOKING_CANCELLED, BOOKING_STATUS_CHANGED
from maitred.notifications.defaults.spanish.outreach import LEAD_AUTO_REPLY, WAITLIST_OFFER
from maitred.notifications.defaults.spanish.payments import PAYMENT_RECEIPT, REFUND_RECEIPT
from maitred.notifications.rendering import Source

SPANISH: dict[str, tuple[Source, Source]] = {
    "booking_confirmation": BOOKING_CONFIRMATION,
    "deposit_request": DEPOSIT_REQUEST,
    "booking_reminder": BOOKING_REMINDER,
    "booking_cancelled": BOOKING_CANCELLED,
    "booking_status_changed": BOOKING_STATUS_CHANGED,
    "payment_receipt": PAYMENT_RECEIPT,
    "refund_receipt": REFUND_RECEIPT,
    "waitlist_offer": WAITLIST_OFFER,
    "lead_auto_reply": LEAD_AUTO_REPLY,
}
