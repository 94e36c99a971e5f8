"""The generation pipeline's logic, framework-free. ``actors/`` calls it and sends messages.

Every function here is idempotent: it checks the current state in the database and does
nothing when the work is already done, cancelled, or held by someone else. Functions
return the messages to send; the caller sends them after the commit.
"""
