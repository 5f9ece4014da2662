"""Events and facilitators (seed 002): what routers and other domains call."""

from maitred.events.changes import cancel_event, create_event, delete_event, update_event
from maitred.events.errors import EventFull
from maitred.events.facilitators import (
    FACILITATOR_SORT_FIELDS,
    create_facilitator,
    get_facilitator,
    list_facilitators,
    remove_facilitator,
    update_facilitator,
)
from maitred.events.lookup import (
    EventBrief,
    event_brief,
    event_briefs,
    facilitator_exists,
    facilitator_id_of_user,
    locked_event_brief,
)
from maitred.events.reads import SORT_FIELDS, facilitator_events, get_event, list_events
from maitred.events.seats import check_bookable, release_seat, take_seat
from maitred.events.series import create_series
from maitred.events.types import get_settings, list_types, update_settings

__all__ = [
    "FACILITATOR_SORT_FIELDS",
    "SORT_FIELDS",
    "EventBrief",
    "EventFull",
    "cancel_event",
    "check_bookable",
    "create_event",
    "create_facilitator",
    "create_series",
    "delete_event",
    "event_brief",
    "event_briefs",
    "facilitator_events",
    "facilitator_exists",
    "facilitator_id_of_user",
    "get_event",
    "get_facilitator",
    "get_settings",
    "list_events",
    "list_facilitators",
    "list_types",
    "locked_event_brief",
    "release_seat",
    "remove_facilitator",
    "take_seat",
    "update_event",
    "update_facilitator",
    "update_settings",
]
