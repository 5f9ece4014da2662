"""Queries of notification templates, scoped to one organization by construction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import delete

from maitred.kit.repository import Repository
from maitred.notifications.models import NotificationTemplate


class NotificationTemplateRepository(Repository[NotificationTemplate]):
    model: ClassVar[type[Any]] = NotificationTemplate
    not_found_message: ClassVar[str] = "No such notification template"

    async def find(self, name: str, channel: str, language: str) -> NotificationTemplate | None:
        found: NotificationTemplate | None = await self.session.scalar(
            self.scoped().where(
                NotificationTemplate.name == name,
                NotificationTemplate.channel == channel,
                NotificationTemplate.language == language,
            )
        )
        return found

    async def customized(self) -> Sequence[NotificationTemplate]:
        return await self.all()

    async def remove(self, name: str, channels: Sequence[str], languages: Sequence[str]) -> int:
        result = await self.session.execute(
            delete(NotificationTemplate).where(
                NotificationTemplate.organization_id == self.organization_id,
                NotificationTemplate.name == name,
                NotificationTemplate.channel.in_(channels),
                NotificationTemplate.language.in_(languages),
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)
