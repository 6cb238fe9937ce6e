"""The map's GraphQL: types, queries, one module per mutation; assembled into the akimat's schema by
ikomek.schema."""
