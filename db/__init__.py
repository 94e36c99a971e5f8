"""Persistence: models, engine/session factory, unit of work, migrations. Knows nothing above it."""
