"""/availability: chef teams, the calendar settings, and free slots."""

from fastapi import APIRouter

router = APIRouter(tags=["availability"])
public_router = APIRouter(prefix="/public/availability", tags=["availability"])
