"""The notifications maitred sends, with their built-in wording in each language maitred speaks
(English, and Spanish in spanish/): what an organization sees until it writes its own (a
NotificationTemplate row, per channel and language) and gets back when it deletes that."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from maitred.kit import i18n
from maitred.notifications.defaults import booking, changes, outreach, payments
from maitred.notifications.defaults.samples import SAMPLES
from maitred.notifications.defaults.spanish import SPANISH
from maitred.notifications.rendering import Source

CHANNELS = ("email", "sms")


@dataclass(frozen=True)
class Notification:
    name: str
    description: str
    email: Source
    sms: Source

    def source(self, channel: str, language: str = i18n.DEFAULT) -> Source:
        """The built-in wording in `language` (English when maitred has none in it)."""
        if language == "es":
            email, sms = SPANISH[self.name]
            return email if channel == "email" else sms
        return self.email if channel == "email" else self.sms

    @property
    def sample(self) -> dict[str, Any]:
        return dict(SAMPLES[self.name])


NOTIFICATIONS: dict[str, Notification] = {
    n.name: n
    for n in (
        Notification(
            "booking_confirmation",
            "A new booking, to its customer (confirmed, or received while pending)",
            booking.BOOKING_CONFIRMATION_EMAIL,
            booking.BOOKING_CONFIRMATION_SMS,
        ),
        Notification(
            "deposit_request",
            "A new booking with a deposit due",
            booking.DEPOSIT_REQUEST_EMAIL,
            booking.DEPOSIT_REQUEST_SMS,
        ),
        Notification(
            "booking_reminder",
            "48 hours and 2 hours before a pending or confirmed booking",
            booking.BOOKING_REMINDER_EMAIL,
            booking.BOOKING_REMINDER_SMS,
        ),
        Notification(
            "booking_cancelled",
            "A booking was cancelled",
            changes.BOOKING_CANCELLED_EMAIL,
            changes.BOOKING_CANCELLED_SMS,
        ),
        Notification(
            "booking_status_changed",
            "A pending booking was confirmed",
            changes.BOOKING_STATUS_CHANGED_EMAIL,
            changes.BOOKING_STATUS_CHANGED_SMS,
        ),
        Notification(
            "payment_receipt",
            "A booking's payment went through (recorded by staff, or paid by card)",
            payments.PAYMENT_RECEIPT_EMAIL,
            payments.PAYMENT_RECEIPT_SMS,
        ),
        Notification(
            "refund_receipt",
            "Money of a booking's payment was given back",
            payments.REFUND_RECEIPT_EMAIL,
            payments.REFUND_RECEIPT_SMS,
        ),
        Notification(
            "waitlist_offer",
            "A waiting customer's date opened up; the offer expires",
            outreach.WAITLIST_OFFER_EMAIL,
            outreach.WAITLIST_OFFER_SMS,
        ),
        Notification(
            "lead_auto_reply",
            "The immediate answer to a new inquiry",
            outreach.LEAD_AUTO_REPLY_EMAIL,
            outreach.LEAD_AUTO_REPLY_SMS,
        ),
    )
}
