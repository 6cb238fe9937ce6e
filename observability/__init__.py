"""Sentry with personal data scrubbed, structured logs with tenant context, health checks."""
