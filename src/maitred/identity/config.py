from datetime import timedelta

from maitred.config import Environment, Settings
from maitred.identity.sessions import AuthConfig
from maitred.identity.throttle import ThrottleRules
from maitred.identity.tokens import TokenSigner
from maitred.kit.ratelimit import Policy


def auth_config_from_settings(settings: Settings) -> AuthConfig:
    return AuthConfig(
        signer=TokenSigner(
            settings.resolved_secret_key(),
            lifetime=timedelta(minutes=settings.access_token_minutes),
        ),
        refresh_lifetime=timedelta(days=settings.refresh_token_days),
        mfa_minutes=settings.mfa_token_minutes,
        reset_lifetime=timedelta(minutes=settings.password_reset_minutes),
        throttle=ThrottleRules(
            free_failures=settings.login_max_failures_per_account,
            first_delay=timedelta(seconds=settings.login_backoff_seconds),
            max_delay=timedelta(minutes=settings.login_backoff_max_minutes),
            per_address=Policy(
                settings.login_max_failures_per_ip, settings.login_failure_window_minutes * 60
            ),
        ),
        organization_signup=settings.organization_signup,
        public_url=settings.public_url,
        links_readable_in_history=settings.env is Environment.development,
        google_client_id=settings.google_client_id,
        google_jwks_url=settings.google_jwks_url,
    )
