"""Per-akimat logical backup and restore: one archive holds the akimat's schema (pg_dump), its rows in
the public schema, its attachment files and a manifest (decision 80, docs/operations.md)."""
