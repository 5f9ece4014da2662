"""What a caller can learn about their own use of the API: their rate limit standing."""
