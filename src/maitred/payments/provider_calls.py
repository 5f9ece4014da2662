"""Calling the payment provider outside any transaction: an unanswered call is a 502 the client
retries with the same Idempotency-Key (`calling`), and a retry the provider refuses as another
request under the first try's key is a 409 (`refuse_other_retry`). Shared by charges, pages
and refunds, so every provider call fails the same way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from maitred.kit.errors import ExternalServiceFailed, InvalidState
from maitred.payments.providers.base import PaymentDeclined, ProviderUnavailable
from maitred.payments.providers.stripe import StripeProvider


@asynccontextmanager
async def calling(provider: StripeProvider) -> AsyncIterator[None]:
    """The provider call: no answer is 502 (retry with the same Idempotency-Key); the client is
    closed afterwards."""
    try:
        yield
    except ProviderUnavailable as exc:
        raise ExternalServiceFailed(
            f"The payment provider did not answer ({exc}); nothing is lost: retry with the same "
            "Idempotency-Key",
            details={"provider": provider.name, "code": exc.code},
        ) from exc
    finally:
        await provider.aclose()


def refuse_other_retry(exc: PaymentDeclined) -> None:
    """Stripe refuses a retry under the first try's key that asks for something else (another
    card): the first try may still have charged, so nothing is charged anew (409) and the row
    is left for the webhook or the reconciliation poller to settle."""
    if exc.code == "idempotency_error":
        raise InvalidState(
            "An earlier try of this payment went unanswered and may have gone through: send it "
            "again as it was, or wait until its outcome is known",
            details={"payment": "unanswered"},
        ) from exc
