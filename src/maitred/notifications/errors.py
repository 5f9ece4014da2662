"""The failures of notification templates, in the envelope of ../shared/API.md."""

from maitred.kit.errors import NotFound, ValidationFailed


class UnknownTemplate(NotFound):
    """No notification of that name (or not on that channel)."""

    message = "No such notification template"


class TemplateInvalid(ValidationFailed):
    """A template that does not compile or does not render; `details` names the part and line."""

    message = "The template does not render"
