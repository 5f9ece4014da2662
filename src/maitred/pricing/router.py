"""/settings/pricing and /quotes: the pricing policy and priced breakdowns."""

from fastapi import APIRouter

router = APIRouter(tags=["pricing"])
