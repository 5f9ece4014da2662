"""(placeholder: filled in by its domain's work)"""

from fastapi import APIRouter

router = APIRouter()
