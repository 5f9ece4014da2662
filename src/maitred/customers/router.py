"""/customers (seeds 000, 001)."""

from fastapi import APIRouter

router = APIRouter(prefix="/customers", tags=["customers"])
