from django.core.exceptions import ValidationError
from django.db import models
from django.template import Context, Template, TemplateSyntaxError
from simple_history.models import HistoricalRecords

from .applications import ApplicationStatus

SAMPLE_CONTEXT = {
    "name": "Ada Lovelace",
    "program": "AI Safety Mentors and Mentees",
    "role": "mentee",
    "message": "A personal note.",
    "redirect_program": "AGI Safety Fundamentals",
    "redirect_url": "https://example.org/apply/",
    "dashboard_url": "https://example.org/dashboard/",
}


def validate_template_syntax(value: str) -> None:
    """Compile the text and render it once with sample values, so that a text that
    would fail when the email is sent (an unknown tag, a missing include) is refused
    when it is saved."""
    try:
        Template(value).render(Context(SAMPLE_CONTEXT, autoescape=False))
    except TemplateSyntaxError as exc:
        raise ValidationError(f"Template error: {exc}") from exc
    except Exception as exc:
        raise ValidationError(f"Template error when rendering: {exc}") from exc


class DecisionEmail(models.Model):
    """The organizer-editable text of the email sent with each triage decision.

    Subject and body are Django templates. Available variables: `name`, `program`,
    `role` ("mentee" or "mentor"), `message` (the organizer's personal note, may be
    empty), `redirect_program`, `redirect_url` (its page, "" for "another program") and
    `dashboard_url`.
    """

    decision = models.CharField(
        max_length=12,
        unique=True,
        choices=[c for c in ApplicationStatus.choices if c[0] != ApplicationStatus.PENDING],
    )
    subject = models.CharField(max_length=200, validators=[validate_template_syntax])
    body = models.TextField(validators=[validate_template_syntax])
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision"]
        verbose_name = "decision email"

    def __str__(self):
        return f"Email for: {self.get_decision_display()}"

    def render(self, context: dict) -> tuple[str, str]:
        ctx = Context(context, autoescape=False)
        subject = " ".join(Template(self.subject).render(ctx).split())
        body = Template(self.body).render(ctx).strip() + "\n"
        return subject, body
