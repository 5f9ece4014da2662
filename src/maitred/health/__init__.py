"""Liveness and readiness: database, redis, workers and features (seeds 000, 001)."""
