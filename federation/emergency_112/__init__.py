"""Forwarding emergencies from 109 lines to the unified 112 centre."""
