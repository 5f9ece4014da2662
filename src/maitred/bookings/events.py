"""Outbox side of bookings. Bookings emits `booking.created`, `booking.status_changed` and
`booking.rescheduled` (payloads in service/), and handles nothing yet: an expired hold needs no
change to the booking, which simply stays pending without a team until confirmed or cancelled.

Importing the service here registers the customers' booking figures in the worker process too.
"""

from maitred.bookings import service as _service  # noqa: F401  (registers the stats source)
