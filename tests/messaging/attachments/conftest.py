from tests.messaging.attachments.providers_api import provider_apis

__all__ = ["provider_apis"]
