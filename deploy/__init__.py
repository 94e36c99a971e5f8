"""Running the production fleet on a host: deploy/supervisord.conf (see deploy/README.md)."""
