"""Where each kind of pipeline message goes: (queue, actor name), and the one message shape."""

ROUTES = {
    "batch": ("pipeline", "process_batch"),
    "source": ("pipeline", "process_source"),
    "preview": ("generation", "generate_preview"),
    "job": ("generation", "generate_media_job"),
    "webhook": ("pipeline", "deliver_webhook"),
}


def message(kind: str, args: tuple):
    """The one message shape of every hand-off: ``kind``'s actor on its queue, positional
    ``args``, no options (dramatiq imported here only, so this module stays light)."""
    import dramatiq

    queue, actor_name = ROUTES[kind]
    return dramatiq.Message(queue_name=queue, actor_name=actor_name, args=tuple(args),
                            kwargs={}, options={})
