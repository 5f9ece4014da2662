"""The AI concierge: chat that checks availability, quotes and books, acting only through services."""
