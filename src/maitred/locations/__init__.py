"""Locations (seed 004): the places an organization works from."""
