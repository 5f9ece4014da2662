"""/waitlist (seed 000)."""

from fastapi import APIRouter

router = APIRouter(prefix="/waitlist", tags=["waitlist"])
