"""Outbox handlers of waitlist."""
