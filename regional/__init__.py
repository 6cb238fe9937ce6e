"""The regional level (public schema): the read model fed by every akimat's appeal messages, the
regional escalation queue, and the regional GraphQL API. It never reads an akimat's schema."""
