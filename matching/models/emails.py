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


class DecisionEmailQuerySet(models.QuerySet):
    def for_decision(self, decision: str, program=None):
        """The text for `decision` in `program`: the program's own if it has one, else
        the one every program shares (None if neither exists)."""
        rows = self.filter(decision=decision).filter(
            models.Q(program__isnull=True) | models.Q(program=program))
        return min(rows, key=lambda row: row.program_id is None, default=None)


class DecisionEmail(models.Model):
    """The organizer-editable text of the email sent with each triage decision: one
    shared by every program, and a program's own where its applicants need other words
    (a cohort's "the deadline has passed" where a rolling program says "apply again").

    Subject and body are Django templates. Available variables: `name`, `program`,
    `role` ("mentee" or "mentor"), `message` (the organizer's personal note, may be
    empty), `redirect_program`, `redirect_url` (its page, "" for "another program") and
    `dashboard_url`.
    """

    decision = models.CharField(
        max_length=12,
        choices=[c for c in ApplicationStatus.choices if c[0] != ApplicationStatus.PENDING],
    )
    program = models.ForeignKey(
        "matching.Program", null=True, blank=True, on_delete=models.CASCADE,
        related_name="decision_emails",
        help_text="Empty: the text every program uses unless it has its own.")
    subject = models.CharField(max_length=200, validators=[validate_template_syntax])
    body = models.TextField(validators=[validate_template_syntax])
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    objects = DecisionEmailQuerySet.as_manager()

    class Meta:
        ordering = ["program__name", "decision"]
        verbose_name = "decision email"
        constraints = [
            models.UniqueConstraint(fields=["program", "decision"],
                                    name="decision_email_once_per_program"),
            models.UniqueConstraint(fields=["decision"],
                                    condition=models.Q(program__isnull=True),
                                    name="decision_email_shared_once"),
        ]

    def __str__(self):
        where = self.program.name if self.program_id else "every program"
        return f"Email for: {self.get_decision_display()} ({where})"

    def render(self, context: dict) -> tuple[str, str]:
        ctx = Context(context, autoescape=False)
        subject = " ".join(Template(self.subject).render(ctx).split())
        body = Template(self.body).render(ctx).strip() + "\n"
        return subject, body
