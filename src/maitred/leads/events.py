"""Outbox handlers of leads."""
