"""Card payments: deposits and balances charged through a provider, refunds, and its webhooks."""
