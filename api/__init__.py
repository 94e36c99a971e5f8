"""The HTTP side of the dashboard's server: lifespan, health and metrics, the JSON API."""
