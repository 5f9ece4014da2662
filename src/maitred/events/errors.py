"""Errors of events and seats."""

from maitred.kit.errors import AppError


class EventFull(AppError):
    status_code = 409
    code = "capacity_exceeded"
