"""The status machine of a booking: pending -> confirmed -> completed; pending or confirmed ->
cancelled; confirmed -> no_show. Nothing else moves."""

from __future__ import annotations

from maitred.kit.errors import InvalidState

PENDING, CONFIRMED, COMPLETED, CANCELLED, NO_SHOW = (
    "pending",
    "confirmed",
    "completed",
    "cancelled",
    "no_show",
)
STATUSES = (PENDING, CONFIRMED, COMPLETED, CANCELLED, NO_SHOW)
ACTIVE = (PENDING, CONFIRMED)
"""A booking in these holds (pending) or keeps (confirmed) a chef team."""

MOVES: dict[str, tuple[str, ...]] = {
    PENDING: (CONFIRMED, CANCELLED),
    CONFIRMED: (COMPLETED, CANCELLED, NO_SHOW),
    COMPLETED: (),
    CANCELLED: (),
    NO_SHOW: (),
}


def check_move(current: str, target: str) -> None:
    allowed = MOVES.get(current, ())
    if target in allowed:
        return
    moves = ", ".join(allowed) if allowed else "none"
    raise InvalidState(
        f"A {current} booking cannot become {target}; allowed: {moves}",
        details={"status": current, "allowed": list(allowed)},
    )
