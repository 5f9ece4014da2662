"""Outbox handlers of bookings."""
