"""Where each kind of pipeline message goes: (queue, actor name). No dramatiq import."""

ROUTES = {
    "batch": ("pipeline", "process_batch"),
    "source": ("pipeline", "process_source"),
    "preview": ("generation", "generate_preview"),
    "job": ("generation", "generate_media_job"),
}
