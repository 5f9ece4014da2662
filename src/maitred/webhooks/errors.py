"""Expected failures of outgoing webhooks."""

from maitred.kit.errors import InvalidState, ValidationFailed


class UnsafeTarget(ValidationFailed):
    """The URL is not one we may POST to (scheme, or an address inside the network)."""

    message = "The webhook URL is not allowed"

    def __init__(self, reason: str) -> None:
        super().__init__(details={"url": reason})
        self.reason = reason


class NotRetryable(InvalidState):
    """Only a pending or failed delivery of an active, unflagged subscription is sent again."""
