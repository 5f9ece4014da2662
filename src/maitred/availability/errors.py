"""The expected failures of availability."""

from maitred.kit.errors import AppError


class CapacityExceeded(AppError):
    """No chef team is free for the requested time."""

    status_code, code, message = 409, "capacity_exceeded", "No chef team is free at that time"
