"""Events and facilitators (seed 002)."""

from maitred.events.lookup import EventBrief, event_brief, event_briefs, facilitator_id_of_user
from maitred.events.seats import release_seat, take_seat

__all__ = [
    "EventBrief",
    "event_brief",
    "event_briefs",
    "facilitator_id_of_user",
    "release_seat",
    "take_seat",
]
