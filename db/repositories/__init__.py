"""All SQL lives here, one module per table. Every function is scoped to a workspace."""
