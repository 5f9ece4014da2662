"""Webhooks as other domains use them: storing a verified inbound callback once."""

from maitred.webhooks.inbound import store_once

__all__ = ["store_once"]
