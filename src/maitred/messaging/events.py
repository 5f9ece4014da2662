"""Registers messaging's worker jobs: the sender of queued messages (sending.py), and the
live inbox's push of each received message (realtime.py)."""

from maitred.messaging import realtime, sending

__all__ = ["realtime", "sending"]
