"""
Every email the product sends is rendered here from a template triple:

    templates/emails/<name>-subject.txt
    templates/emails/<name>-body.txt
    templates/emails/<name>-body.html

The HTML body extends `emails/base.html`. Callers pass plain data in `context`;
`site_url` and `site_name` are always available.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def render_email(name: str, context: dict) -> RenderedEmail:
    ctx = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME, **context}
    subject = render_to_string(f"emails/{name}-subject.txt", ctx)
    # A subject is one line whatever the template's whitespace.
    subject = " ".join(subject.split())
    text = render_to_string(f"emails/{name}-body.txt", ctx)
    html = render_to_string(f"emails/{name}-body.html", ctx)
    return RenderedEmail(subject=subject, text=text, html=html)


def build_email(email: RenderedEmail, to: str, *, reply_to: str | None = None,
                message_id: str | None = None, unsubscribe_url: str = "",
                connection=None) -> EmailMultiAlternatives:
    """The email as it goes to the mail server; `connection` lets a batch share one."""
    headers = {}
    if message_id:
        # A stable id: if a worker dies between handing the email to the server and
        # recording it as sent, the one resent copy carries the same Message-ID, which
        # mail clients show once.
        headers["Message-ID"] = message_id
    if unsubscribe_url:
        # RFC 8058 one-click: the client's "Unsubscribe" button POSTs to the URL.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers=headers or None,
        connection=connection,
    )
    if email.html:
        # An empty HTML part is what most mail apps show: a blank email.
        message.attach_alternative(email.html, "text/html")
    return message

