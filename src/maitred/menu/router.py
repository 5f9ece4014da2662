"""/menu (seed 004): categories and items; the active menu is public."""

from fastapi import APIRouter

router = APIRouter(prefix="/menu", tags=["menu"])
