"""An organizer's message to the people of one program, or to a part of them.

Written as a draft, previewed with its recipient count, then sent once: the service
(``matching.services.announcements``) decides who the audience is and queues one message
per person through the message log, so each recipient gets it exactly once.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .cohort_phases import Phase
from .programs import Program

# The audiences a phase narrows: the people of the mentorships in it.
PHASE_AUDIENCES = ("everyone", "mentors", "mentees")


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Everyone taking part now (mentors and mentees)"
    MENTORS = "mentors", "Mentors taking part now"
    MENTEES = "mentees", "Mentees taking part now"
    WAITING = "waiting", "Accepted mentees still waiting for a mentor"
    ALUMNI = "alumni", "Alumni: both sides of mentorships that ended"


class Announcement(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT,
                                related_name="announcements")
    audience = models.CharField(max_length=10, choices=Audience.choices,
                                default=Audience.EVERYONE)
    phase = models.ForeignKey(
        Phase, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Only the people of the mentorships in this phase of the program (for "
                  "a phase scholars apply to, those accepted into it). Empty: the whole "
                  "audience.")
    subject = models.CharField(max_length=150)
    body = models.TextField(
        max_length=5000,
        help_text="Plain text. Blank lines separate paragraphs; addresses become links.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, when an organizer sends it; a sent announcement is never changed.
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+", editable=False)
    recipient_count = models.PositiveIntegerField("people it went to", null=True, blank=True,
                                                  editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    def clean(self):
        if self.phase_id is None:
            return
        if self.program_id is not None and self.phase.program_id != self.program_id:
            raise ValidationError({"phase": f"{self.phase.name} is a phase of "
                                            f"{self.phase.program.name}, not of this program."})
        if self.audience not in PHASE_AUDIENCES:
            raise ValidationError({"phase": "A phase narrows mentors, mentees or everyone "
                                            "taking part; leave it empty for "
                                            f"{self.get_audience_display().lower()}."})

    @property
    def audience_label(self) -> str:
        label = self.get_audience_display()
        return f"{label}, in {self.phase.name}" if self.phase_id else label
