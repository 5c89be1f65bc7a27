import uuid

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from .emails import RenderedEmail, absolute_url
from .messaging import queue_sealed


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # People join by applying (or by a mentor's invitation): the application creates
        # their account, and they sign in with an emailed code. There is nothing to see
        # for an account that did neither, so self-service signup stays closed.
        return False

    # Notices that repeat what the page already shows, or tell a person who just typed a
    # code that they are signed in: every word on the way counts (issue 18).
    QUIET_MESSAGES = ("account/messages/login_code_sent.txt",
                      "account/messages/logged_in.txt",
                      "account/messages/email_confirmed.txt")

    def add_message(self, request, level, message_template=None, message_context=None,
                    extra_tags="", message=None):
        if message_template in self.QUIET_MESSAGES:
            return
        super().add_message(request, level, message_template=message_template,
                            message_context=message_context, extra_tags=extra_tags,
                            message=message)

    def send_mail(self, template_prefix, email, context):
        """Sign-in codes and verification emails take the product's one messaging path
        (logged, delivered by the worker with retries), sealed: their codes are never
        readable in the log."""

        # allauth's own texts name the site from the request (a bare host, or nothing
        # outside a request); ours name the program and link to the forms.
        context = {
            **context, "SITE_NAME": settings.SITE_NAME, "site_url": absolute_url("/"),
            "apply_mentee_url": absolute_url(reverse("apply", args=["mentee"])),
            "apply_mentor_url": absolute_url(reverse("apply", args=["mentor"])),
        }
        message = self.render_mail(template_prefix, email, context)
        html = next((body for body, mime in getattr(message, "alternatives", [])
                     if mime == "text/html"), "")
        queue_sealed(
            RenderedEmail(subject=message.subject, text=message.body, html=html),
            kind="account", to=email,
            occasion=f"account/{template_prefix.rsplit('/', 1)[-1]}/{uuid.uuid4().hex}",
            user=context.get("user"),
        )
