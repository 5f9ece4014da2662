"""The domain packages the app is made of: their routers and their outbox handlers.

Adding a domain means adding it here; the app, the worker and the tests all read this list.
"""

import importlib

from fastapi import APIRouter

# Modules whose import registers outbox handlers (`<domain>/events.py`).
EVENT_HANDLER_MODULES: tuple[str, ...] = (
    "maitred.ai.events",
    "maitred.analytics.cash_days",
    "maitred.analytics.report_mailing",
    "maitred.analytics.rollups",
    "maitred.availability.events",
    "maitred.bookings.events",
    "maitred.files.purging",
    "maitred.leads.events",
    "maitred.messaging.events",
    "maitred.notifications.events",
    "maitred.payments.reconciling",
    "maitred.waitlist.events",
    "maitred.webhooks.events",
)

# Modules whose import registers how a customer's erasure reaches their domain (kit/erasure.py).
ERASURE_MODULES: tuple[str, ...] = (
    "maitred.ai.erasure",
    "maitred.bookings.erasure",
    "maitred.crm.erasure",
    "maitred.customers.erasure",
    "maitred.leads.erasure",
    "maitred.messaging.erasure",
    "maitred.waitlist.erasure",
)


def root_routers() -> list[APIRouter]:
    """Served at the root: health checks, the live inbox's WebSocket, and seed 002's CRM service
    API under its base URL `/crm`."""
    from maitred.ai.chat_socket import router as ai_chat_socket
    from maitred.crm.service_api_router import router as crm_service_api
    from maitred.health.router import router as health
    from maitred.messaging.realtime_router import router as inbox_socket

    return [health, inbox_socket, ai_chat_socket, crm_service_api]


def api_routers() -> list[APIRouter]:
    """Served under /api/v1 and /api."""
    from maitred.ai.router import router as ai
    from maitred.ai.seeds_router import router as ai_seeds
    from maitred.ai.understand_router import router as ai_understand
    from maitred.analytics.reports_router import router as reports
    from maitred.analytics.router import admin_router as admin_analytics
    from maitred.analytics.router import insights_router as insights
    from maitred.analytics.router import router as analytics
    from maitred.audit.router import router as audit
    from maitred.availability.router import public_router as availability_public
    from maitred.availability.router import router as availability
    from maitred.bookings.router import public_router as bookings_public
    from maitred.bookings.router import router as bookings
    from maitred.crm.router import booking_status_router as crm_booking_status
    from maitred.crm.router import facilitator_crm_router as crm_facilitators
    from maitred.crm.router import notify_alias_router as crm_notify_alias
    from maitred.crm.router import router as crm
    from maitred.customers.router import router as customers
    from maitred.customers.verification_router import router as contact_verification
    from maitred.events.router import facilitators_router as facilitators
    from maitred.events.router import router as events
    from maitred.files.router import router as files
    from maitred.identity.api_keys_router import router as api_keys
    from maitred.identity.invitations_router import router as invitations
    from maitred.identity.mfa_router import router as mfa
    from maitred.identity.organizations_router import public_router as tenancy_public
    from maitred.identity.organizations_router import router as organizations
    from maitred.identity.router import facilitator_router as facilitator_auth
    from maitred.identity.router import router as auth
    from maitred.identity.users_router import router as users
    from maitred.leads.router import public_router as leads_public
    from maitred.leads.router import router as leads
    from maitred.locations.router import router as locations
    from maitred.menu.router import router as menu
    from maitred.messaging.channels_router import router as messaging_channels
    from maitred.messaging.router import router as messages
    from maitred.messaging.webhooks_router import router as provider_webhooks
    from maitred.monitoring.router import router as monitoring
    from maitred.notifications.router import public_router as notifications_public
    from maitred.notifications.router import router as notifications
    from maitred.notifications.templates_router import router as notification_templates
    from maitred.payments.router import router as payments
    from maitred.payments.webhook_router import public_router as payments_public
    from maitred.payments.webhook_router import router as payment_webhooks
    from maitred.pricing.router import router as pricing
    from maitred.waitlist.public_router import public_router as seats_public
    from maitred.waitlist.router import event_waitlist_router as event_waitlist
    from maitred.waitlist.router import router as waitlist
    from maitred.webhooks.router import router as webhooks

    return [
        auth,
        invitations,
        mfa,
        contact_verification,
        facilitator_auth,
        users,
        api_keys,
        organizations,
        locations,
        tenancy_public,
        menu,
        files,
        pricing,
        customers,
        leads,
        leads_public,
        availability,
        availability_public,
        bookings,
        bookings_public,
        waitlist,
        event_waitlist,
        seats_public,
        events,
        facilitators,
        crm,
        crm_booking_status,
        crm_facilitators,
        crm_notify_alias,
        audit,
        monitoring,
        notifications,
        notification_templates,
        notifications_public,
        messaging_channels,
        messages,
        provider_webhooks,
        webhooks,
        payments,
        payments_public,
        payment_webhooks,
        analytics,
        admin_analytics,
        insights,
        reports,
        ai_understand,
        ai,
        ai_seeds,
    ]


def import_event_handlers() -> None:
    for module in EVENT_HANDLER_MODULES + ERASURE_MODULES:
        importlib.import_module(module)


def import_models() -> None:
    """Every model module, so Base.metadata is complete (migrations, tests)."""
    for module in (
        "maitred.kit.outbox",
        "maitred.kit.worker_health",
        "maitred.kit.idempotency_records",
        "maitred.tenancy.models",
        "maitred.locations.models",
        "maitred.identity.models",
        "maitred.audit.models",
        "maitred.kit.numbering",
        "maitred.files.models",
        "maitred.menu.models",
        "maitred.customers.models",
        "maitred.leads.models",
        "maitred.availability.models",
        "maitred.events.models",
        "maitred.bookings.models",
        "maitred.crm.models",
        "maitred.waitlist.models",
        "maitred.messaging.models",
        "maitred.notifications.models",
        "maitred.webhooks.models",
        "maitred.payments.models",
        "maitred.analytics.models",
        "maitred.ai.models",
    ):
        importlib.import_module(module)
