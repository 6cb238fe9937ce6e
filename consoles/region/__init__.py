"""The region's console on the regional host (`/region/`): the read model's figures of every akimat,
the escalation queue and its decisions, the most overdue appeals."""
