"""Moving a record through the follow-up workflow, new → reviewed → contacted → confirmed →
completed, and reading one record with its history."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.crm.models import CrmRecord, CrmStatusChange
from maitred.crm.repository import CrmRecordRepository, CrmStatusChangeRepository
from maitred.crm.schemas import CrmStatus
from maitred.crm.views import audience_of, read_change, read_records
from maitred.identity.deps import AuthContext
from maitred.kit import outbox
from maitred.kit.clock import utcnow
from maitred.kit.errors import Conflict, InvalidState, NotFound

WORKFLOW = [status.value for status in CrmStatus]


def allowed_next(current: str) -> list[str]:
    """Any later stage (a step may be skipped: a customer may confirm on first contact), or one
    stage back to correct a mistaken click; nothing further back, so history stays readable."""
    at = WORKFLOW.index(current)
    return [s for i, s in enumerate(WORKFLOW) if i > at or i == at - 1]


async def _record(session: AsyncSession, auth: AuthContext, reference: str) -> CrmRecord:
    record = await CrmRecordRepository(session, auth.org_id).find(
        reference, await audience_of(session, auth)
    )
    if record is None:
        raise NotFound("No CRM record for this booking")
    return record


async def change_status(
    session: AsyncSession, auth: AuthContext, *, reference: str, target: str, notes: str
) -> dict[str, Any]:
    """Moves the record and appends the change to its history, in one transaction with the
    `crm.status_changed` event. Setting the current status again changes nothing (a repeated
    PUT answers the same). The move is a compare-and-swap on the status read: if another
    change landed in between, it is re-checked against the new status once, then 409."""
    record = await _record(session, auth, reference)
    records = CrmRecordRepository(session, auth.org_id)
    current = record.crm_status
    now = utcnow()
    for attempt in range(2):
        if target == current:
            return _answer(record, current, current, record.updated_at)
        if target not in allowed_next(current):
            raise InvalidState(
                f"A record in {current!r} cannot move to {target!r}",
                details={"crm_status": current, "allowed": allowed_next(current)},
            )
        if await records.move_status(record.id, expected=current, target=target, at=now):
            break
        latest = await records.current_status(record.id)
        if attempt == 1 or latest is None:
            raise Conflict("The CRM status changed meanwhile; read it again and retry")
        current = latest
    CrmStatusChangeRepository(session, auth.org_id).add(
        CrmStatusChange(
            record_id=record.id,
            from_status=current,
            to_status=target,
            notes=notes.strip(),
            changed_by=auth.user_id,
            changed_by_api_key=auth.api_key_id,
        )
    )
    await outbox.emit(
        session,
        "crm.status_changed",
        organization_id=auth.org_id,
        record_id=record.id,
        booking_id=record.booking_id,
        external_id=record.external_id,
        from_status=current,
        to_status=target,
        changed_by=auth.user_id,
        changed_by_api_key=auth.api_key_id,
    )
    await session.flush()
    return _answer(record, current, target, now)


def _answer(record: CrmRecord, old: str, new: str, at: Any) -> dict[str, Any]:
    return {
        "message": "Booking status updated successfully",
        "booking_id": str(record.booking_id) if record.booking_id else record.external_id,
        "old_status": old,
        "new_status": new,
        "updated_at": at,
    }


async def get_record(session: AsyncSession, auth: AuthContext, *, reference: str) -> dict[str, Any]:
    """Seed 002's "specific booking", with the record's status history oldest first."""
    record = await _record(session, auth, reference)
    [read] = await read_records(session, auth.org_id, [record])
    history = await CrmStatusChangeRepository(session, auth.org_id).of_record(record.id)
    return {"booking": read | {"history": [read_change(change) for change in history]}}
