"""Queries of contact verifications (customers/verification.py): proofs belong to a user
account, not to one organization, so they are scoped to the user and kept apart from the
organization-scoped repositories of customers/repository.py."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers.models import ContactVerification


class Verifications:
    """Proofs of one account's email or phone, in whichever organization they were asked from
    (an address is the account's or not wherever it signs in); scoped to the user."""

    def __init__(self, session: AsyncSession, user_id: uuid.UUID) -> None:
        self.session, self.user_id = session, user_id

    def add(self, proof: ContactVerification) -> None:
        proof.user_id = self.user_id
        self.session.add(proof)

    def _own(self, channel: str) -> Select[Any]:
        statement: Select[Any] = select(ContactVerification).where(
            ContactVerification.user_id == self.user_id, ContactVerification.channel == channel
        )
        return statement

    async def by_secret(self, channel: str, secret_hash: str) -> ContactVerification | None:
        found: ContactVerification | None = await self.session.scalar(
            self._own(channel)
            .where(ContactVerification.secret_hash == secret_hash)
            .with_for_update()
        )
        return found

    async def latest_open(self, channel: str, address_index: str) -> ContactVerification | None:
        found: ContactVerification | None = await self.session.scalar(
            self._own(channel)
            .where(
                ContactVerification.address_index == address_index,
                ContactVerification.used_at.is_(None),
            )
            .order_by(ContactVerification.created_at.desc())
            .limit(1)
            .with_for_update()
        )
        return found

    async def asked_since(self, channel: str, since: datetime) -> int:
        count = await self.session.scalar(
            self._own(channel)
            .with_only_columns(func.count())
            .where(ContactVerification.created_at >= since)
        )
        return int(count or 0)

    async def is_verified(self, channel: str, address_index: str) -> bool:
        found = await self.session.scalar(
            self._own(channel)
            .with_only_columns(ContactVerification.id)
            .where(
                ContactVerification.address_index == address_index,
                ContactVerification.verified_at.is_not(None),
            )
            .limit(1)
        )
        return found is not None
