"""Expected failures of signing in and of authorization."""

from maitred.kit.errors import AppError, InvalidRequest, Unauthorized


class InvalidCredentials(Unauthorized):
    """Wrong email or password; the same answer whether or not the account exists."""

    message = "Invalid email or password"
    keep_changes = True  # the failure counts towards the backoff


class AccountLocked(AppError):
    """Too many failed sign-ins for this account or from this address: wait `retry_after`."""

    status_code, code = 429, "rate_limit_exceeded"
    message = "Too many failed sign-ins; try again later"
    keep_changes = True


class SessionRevoked(Unauthorized):
    """A refresh token that was already used, revoked or expired."""

    message = "The refresh token is invalid or has been revoked"
    keep_changes = True  # reuse revokes the whole family, and that must stick


class MfaRequired(AppError):
    """The password was right; a second factor is needed (`mfa_token` in details)."""

    status_code, code = 401, "mfa_required"
    message = "Multi-factor authentication required"
    keep_changes = True


class TenantRequired(InvalidRequest):
    """The caller belongs to several organizations and did not say which one."""

    message = (
        "You belong to several organizations: choose one with the X-Tenant-ID header "
        "(organization id or slug)"
    )
