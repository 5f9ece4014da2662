"""A customer's erasure reaches the messages to and from them and their conversations: matched
by customer, by the blind index of their email or phone, or by the leads they sent."""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.files import service as files_service
from maitred.kit.erasure import Person, eraser
from maitred.messaging import attachments, contacts
from maitred.messaging.models import Conversation, Message, OptOut

ERASED = "erased"


def _indexes(person: Person) -> list[str]:
    found = []
    if person.email:
        found.append(contacts.contact_index("email", person.email))
    if person.phone:
        found.append(contacts.contact_index("sms", person.phone))
    return found


@eraser("messages", order=20)
async def erase_messages(session: AsyncSession, person: Person) -> int:
    """What was said and to which address goes; channel, status and times stay (the delivery
    figures). The blanked index matches no address any more."""
    matches = [Message.customer_id == person.customer_id]
    if indexes := _indexes(person):
        matches.append(Message.contact_index.in_(indexes))
    if leads := person.found.get("leads"):
        matches.append(Message.lead_id.in_(leads))
    rows = (
        await session.execute(
            select(Message.id, Message.conversation_id).where(
                Message.organization_id == person.organization_id, or_(*matches)
            )
        )
    ).all()
    person.found["conversations"] = {row.conversation_id for row in rows if row.conversation_id}
    person.found["messages"] = {row.id for row in rows}
    if not rows:
        return 0
    await session.execute(
        update(Message)
        .where(
            Message.organization_id == person.organization_id,
            Message.id.in_([row.id for row in rows]),
        )
        .values(
            contact="",
            contact_index=ERASED,
            contact_name="",
            subject="",
            body_text="",
            body_html=None,
            meta={},
        )
        .execution_options(synchronize_session=False)
    )
    return len(rows)


@eraser("conversations", order=21)
async def erase_conversations(session: AsyncSession, person: Person) -> int:
    """A thread's name and its key (an address's blind index) go; the row stays for counts."""
    matches = [Conversation.customer_id == person.customer_id]
    if threads := person.found.get("conversations"):
        matches.append(Conversation.id.in_(threads))
    conversations = (
        await session.scalars(
            select(Conversation).where(
                Conversation.organization_id == person.organization_id, or_(*matches)
            )
        )
    ).all()
    for conversation in conversations:
        conversation.display_name = ""
        conversation.contact_key = f"{ERASED}:{conversation.id}"
    await session.flush()
    return len(conversations)


@eraser("opt_outs", order=22)
async def erase_opt_outs(session: AsyncSession, person: Person) -> int:
    """The address goes; its blind index stays so the person is still never sent marketing."""
    indexes = _indexes(person)
    if not indexes:
        return 0
    result = await session.execute(
        update(OptOut)
        .where(OptOut.organization_id == person.organization_id, OptOut.contact_index.in_(indexes))
        .values(contact="")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@eraser("stored_files", order=23)
async def erase_attachments(session: AsyncSession, person: Person) -> int:
    """The files sent to and from the person go altogether: their names at once, their bytes
    and rows once the erasure is committed (the worker, files/purging.py)."""
    return await files_service.discard_owned(
        session,
        organization_id=person.organization_id,
        owner_kind=attachments.OWNER,
        owner_ids=person.found.get("messages", set()),
    )
