"""Send tasks to a queue of the test's own on the real broker."""

import contextlib
import uuid

from mm_program.celery import app as celery_app

# Celery builds the default queue and the router once, from the configuration at first
# use; a test that changes the default queue must drop them or its tasks go elsewhere.
_CACHED = ("queues", "default_queue", "router")


def _forget_routing() -> None:
    for name in _CACHED:
        celery_app.amqp.__dict__.pop(name, None)


@contextlib.contextmanager
def own_queue(prefix: str = "test"):
    queue = f"{prefix}-{uuid.uuid4().hex[:8]}"
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_default_queue, conf.task_default_routing_key
    conf.task_always_eager = False
    conf.task_default_queue = conf.task_default_routing_key = queue
    _forget_routing()
    try:
        yield queue
    finally:
        conf.task_always_eager, conf.task_default_queue, conf.task_default_routing_key = saved
        _forget_routing()
