"""The CRM workflow (seed 002's CRM service, built in)."""

from maitred.crm.tracking import TrackedBooking, booking_status_changed, track_booking

__all__ = ["TrackedBooking", "booking_status_changed", "track_booking"]
