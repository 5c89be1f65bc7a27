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
