"""/leads (seed 001) and the public lead form."""

from fastapi import APIRouter

router = APIRouter(prefix="/leads", tags=["leads"])
public_router = APIRouter(prefix="/public/leads", tags=["leads"])
