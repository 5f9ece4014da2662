"""/crm, the CRM status of a booking, and each facilitator's bookings and dashboard (seed 002)."""

from fastapi import APIRouter

router = APIRouter(prefix="/crm", tags=["crm"])
booking_status_router = APIRouter(prefix="/bookings", tags=["crm"])
facilitator_crm_router = APIRouter(prefix="/facilitators", tags=["crm"])
