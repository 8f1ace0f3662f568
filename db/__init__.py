"""Schema, engine, sessions, queries and the embedded PostgreSQL."""
