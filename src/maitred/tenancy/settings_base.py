"""The base of every settings section: unknown keys are refused, so a typo is never ignored.

Sections are frozen: tenancy_service.settings_of hands the same parsed instance to every request
of an organization, so nobody may change it in place (model_copy(update=…) makes a changed one).
"""

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
