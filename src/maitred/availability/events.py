"""Outbox handlers of availability."""
