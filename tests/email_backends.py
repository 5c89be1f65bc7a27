"""Email backends that fail on purpose, for the delivery tests."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class Flaky(EmailBackend):
    """Refuses the first `failures` sends with a transient error, then delivers."""

    failures = 0
    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return super().send_messages(messages)


class Refused(EmailBackend):
    """A permanent error: the server refuses the recipient."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no such user")})


class RecordThenRefuse(EmailBackend):
    """Keeps what it was handed in `seen` (what left the worker), then refuses it."""

    seen: list = []

    def send_messages(self, messages):
        type(self).seen.extend(messages)
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no such user")})


class AppendToFile(EmailBackend):
    """One JSON line per email in $MM_OUTBOX_FILE: an outbox that a worker process and
    the test can both see."""

    def send_messages(self, messages):
        import json
        import os

        path = os.environ["MM_OUTBOX_FILE"]
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            for m in messages:
                line = json.dumps({"to": m.to, "subject": m.subject,
                                   "message_id": m.extra_headers.get("Message-ID", "")})
                os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)
        return len(messages)
