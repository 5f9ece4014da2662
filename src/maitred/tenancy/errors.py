"""Expected failures of an organization's own rules."""

from maitred.kit.errors import Forbidden


class MfaSetupRequired(Forbidden):
    """The organization requires MFA for the caller's role and the caller has not turned it on."""

    def __init__(self, role: str) -> None:
        super().__init__(
            f"This organization requires multi-factor authentication for the {role} role: "
            "set it up with POST /api/v1/auth/mfa/setup"
        )
