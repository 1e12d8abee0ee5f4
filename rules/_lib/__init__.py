"""Queries and edit helpers that several rules share."""
