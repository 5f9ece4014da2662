"""Registers messaging's worker jobs: the sender of queued messages (sending.py), the fetcher
of inbound media (attachments.py), and the live inbox's push of each received message
(realtime.py)."""

from maitred.messaging import attachments, realtime, sending

__all__ = ["attachments", "realtime", "sending"]
