"""Local stand-ins for external services, spoken to over their real network protocols."""
