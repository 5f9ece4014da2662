"""/bookings (seeds 000, 001) and the public booking form."""

from fastapi import APIRouter

router = APIRouter(prefix="/bookings", tags=["bookings"])
public_router = APIRouter(prefix="/public/bookings", tags=["bookings"])
