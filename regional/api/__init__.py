"""The regional GraphQL API (regional host, regional roles): KPIs, comparison, time series, the
overdue list and the escalation queue; assembled into ikomek.schema.regional_schema."""
