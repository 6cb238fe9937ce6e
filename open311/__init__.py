"""Open311 GeoReport v2 on each akimat's host, beside GraphQL, for civic tools (decision 101)."""
