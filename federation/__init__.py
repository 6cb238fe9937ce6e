"""Crossing between schemas: the messaging core (messaging/) and what is built on it."""
