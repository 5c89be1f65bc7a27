"""Logging helpers (settings.LOGGING).

Django logs each request it refuses as suspicious (a Host header not in ALLOWED_HOSTS, a
body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields) as an error with its traceback:
every scanner on the internet then fills the log with tracebacks that say nothing about
our code. They are a client's doing, answered with a 400: one warning line is enough.
Settings put the filter below on those django.security.<exception> loggers.
"""

import logging


class OneLineWarning(logging.Filter):
    """Turns the record into a warning without its traceback (the message, which names
    the host or the limit, stays). On a logger, so every handler sees the same line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True
