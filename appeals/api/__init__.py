"""GraphQL of the 109 service (types, queries, one module per transition mutation)."""
