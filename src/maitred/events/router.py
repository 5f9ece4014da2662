"""/events and /facilitators (seed 002)."""

from fastapi import APIRouter

router = APIRouter(prefix="/events", tags=["events"])
facilitators_router = APIRouter(prefix="/facilitators", tags=["facilitators"])
