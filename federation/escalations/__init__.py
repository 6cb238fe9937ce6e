"""Escalation to the region, on the akimats' side: the region's rules per category (kept in the public
schema, read by every akimat like the registry), the listener that evaluates them and carries
escalations to the regional queue, and the handler that writes the region's decisions back."""
