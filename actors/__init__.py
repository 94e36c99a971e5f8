"""Dramatiq side: broker, rate-limit middleware, actors, reconciler, embedded worker.

Importing this package selects the broker (``actors.broker``) before any actor module.
"""
