from fastapi import APIRouter, Request

from maitred.kit.errors import ErrorBody, NotFound
from maitred.kit.ratelimit_middleware import RateLimitStatus
from maitred.monitoring.schemas import RateLimitStatusRead

router = APIRouter(prefix="/monitoring", tags=["monitoring"])


@router.get(
    "/rate-limit/status",
    response_model=RateLimitStatusRead,
    summary="Your rate limit status",
    responses={404: {"model": ErrorBody, "description": "No rate limit applies"}},
)
async def rate_limit_status(request: Request) -> RateLimitStatusRead:
    """Your tier's limit and what is left of it in its moving window.

    Identifies you as every other request does (credential, else address) and does not count
    against your limit. 404 when rate limiting is switched off."""
    status = getattr(request.state, "rate_limit", None)
    if not isinstance(status, RateLimitStatus):
        raise NotFound("No rate limit applies to this request")
    state = status.state
    return RateLimitStatusRead(
        tier=status.tier,
        limit=state.limit,
        remaining=state.remaining,
        reset_at=state.reset_datetime,
        requests_made=state.limit - state.remaining,
        window_duration=status.policy.window,
    )
